import type { MessageSummary } from '../../shared/contract/messages';
import { messagesWord, serviceOutcome } from '../mail/outcome';
import { type Action, type ActionContext, hasSelection } from './action';

/** IMAP's keywords for the user's verdict (RFC 5788), which the service sets with the move. */
const JUNK = '$junk';
const NOT_JUNK = '$notjunk';

const hasKeyword = (m: MessageSummary, keyword: string) => m.flags.some((f) => f.toLowerCase() === keyword);
const showingJunk = (ctx: ActionContext) => ctx.shownFolder?.specialUse === 'junk';
const inJunkFolder = (ctx: ActionContext, m: MessageSummary) => ctx.folders.find((f) => f.id === m.folderId)?.specialUse === 'junk';
/** Everything selected already is junk: in a Junk folder, or marked so. */
const allJunk = (ctx: ActionContext) => ctx.selected.length > 0 && ctx.selected.every((m) => inJunkFolder(ctx, m) || (hasKeyword(m, JUNK) && !hasKeyword(m, NOT_JUNK)));

/**
 * "Junk" (`!`, as in Gmail): the selection goes to its account's Junk folder (a local one for POP3 and
 * Local Folders) with `$Junk`, and the junk filter learns from it. Offered unless all of it is junk already.
 */
export const markJunk: Action = {
  name: 'mark-junk',
  label: 'Junk',
  help: 'Mark as junk (moves it to Junk and teaches the junk filter)',
  keys: ['!'],
  group: 'message',
  icon: 'alert',
  offered: (ctx) => !showingJunk(ctx) && !allJunk(ctx),
  predicate: hasSelection,
  async perform(ctx) {
    await verdict(ctx, true);
  },
};

/** "Not junk": back to the inbox with `$NotJunk`, and the junk filter learns it was wanted. Offered in Junk, or for mail marked junk. */
export const markNotJunk: Action = {
  name: 'mark-not-junk',
  label: 'Not junk',
  help: 'Mark as not junk (back to the inbox; the junk filter learns from it)',
  keys: [],
  group: 'message',
  icon: 'shield',
  offered: (ctx) => showingJunk(ctx) || ctx.selected.some((m) => inJunkFolder(ctx, m) || hasKeyword(m, JUNK)),
  predicate: hasSelection,
  async perform(ctx) {
    await verdict(ctx, false);
  },
};

async function verdict(ctx: ActionContext, junk: boolean): Promise<void> {
  const ids = ctx.selectedIds;
  try {
    const result = await ctx.api.markJunk({ ids, junk });
    // Undo (the service's log entry) puts the messages back, with their keywords, and the filter unlearns.
    ctx.done(serviceOutcome(ctx.api, result, { message: junk ? `Moved ${messagesWord(ids.length)} to Junk.` : `Moved ${messagesWord(ids.length)} back to the inbox as not junk.`, undo: null }));
  } catch (error) {
    ctx.report(error);
  }
}

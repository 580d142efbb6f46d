import type { MailClient } from '../../shared/client';
import type { ActionResult, UndoResult } from '../../shared/contract/organise';
import { formatCount } from './format';

/**
 * What an action did, told in the toast: its words, and the way back when there is one. `undo` resolves
 * to what the toast says afterwards (default "Undone."). Null when the action cannot be taken back: the
 * toast then only tells.
 */
export interface Outcome {
  message: string;
  undo: (() => Promise<string | void>) | null;
}

/** "3 messages" / "the message": how outcomes count what they acted on. */
export const messagesWord = (count: number) => (count === 1 ? 'the message' : `${formatCount(count)} messages`);

/** What the toast says once the service took an action back. */
export function undoneWords(result: UndoResult): string {
  if (result.missing.length === 0) return 'Undone.';
  return `Undone, except for ${messagesWord(result.missing.length)}, deleted meanwhile.`;
}

/**
 * The outcome of an action the service carried out: the window's words (`local`; it knows what the user
 * aimed at: "the message", the folder's shown name) and the service's undo log entry when it kept one
 * (`undo` then takes back exactly that entry, as `homing undo` would); without an entry, the way back
 * the window can take itself, if any.
 */
export function serviceOutcome(api: MailClient, result: ActionResult | void, local: Outcome): Outcome {
  const entry = result?.undo;
  if (!entry) return local;
  return { message: local.message, undo: async () => undoneWords(await api.undo({ id: entry.id })) };
}

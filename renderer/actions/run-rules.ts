import { folderName } from '../mail/folder-tree';
import { messagesWord } from '../mail/outcome';
import type { Action } from './action';

/**
 * The folder menu's "Run rules on this folder now": every enabled rule whose scope covers the folder's
 * account, on the messages already there; a rule never acts twice on one message, so running it again is safe.
 */
export const runRules: Action = {
  name: 'run-rules',
  label: 'Run rules on this folder now',
  keys: [],
  group: 'folder',
  icon: 'check',
  // Mail the user filed away or wrote is not what rules sort.
  offered: (ctx) => !['trash', 'junk', 'sent', 'drafts'].includes(ctx.target.folder?.specialUse ?? ''),
  predicate: (ctx) => (ctx.target.folder?.total ?? 0) > 0,
  async perform(ctx) {
    const folder = ctx.target.folder!;
    try {
      const result = await ctx.api.runRules({ folderId: folder.id });
      const acted = result.rules.reduce((sum, r) => sum + r.acted, 0);
      const broken = result.rules.filter((r) => r.broken).length;
      const words =
        result.rules.length === 0
          ? 'No rule applies to this folder.'
          : `Ran the rules on ${messagesWord(result.examined)} in ${folderName(folder)}: ${acted === 0 ? 'none of them matched anything new' : `they acted ${acted === 1 ? 'once' : `${acted.toLocaleString('en-US')} times`}`}.`;
      ctx.done({ message: broken > 0 ? `${words} ${broken === 1 ? 'One rule is' : `${broken} rules are`} broken: see Settings › Rules.` : words, undo: null });
    } catch (error) {
      ctx.report(error);
    }
  },
};

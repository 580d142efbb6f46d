import { folderName } from '../mail/folder-tree';
import { rulesRunWords } from '../mail/rules-run-words';
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
      ctx.done({ message: rulesRunWords(result, folderName(folder)), undo: null });
    } catch (error) {
      ctx.report(error);
    }
  },
};

import { serviceOutcome } from '../mail/outcome';
import type { ActionContext } from './action';

/** Asks a new folder's name, then has the service create it (on the server through the queue); shared by the account and folder menus. */
export function askNewFolder(ctx: ActionContext, target: { accountId: string; parentId: number | null; title: string }): void {
  ctx.ui.ask({
    kind: 'name',
    title: target.title,
    label: 'Folder name',
    initial: '',
    confirm: 'Create',
    async submit(name) {
      const result = await ctx.api.createFolder({ accountId: target.accountId, parentId: target.parentId, name });
      ctx.done(serviceOutcome(ctx.api, result, { message: `Created the folder ${name}.`, undo: null }));
    },
  });
}

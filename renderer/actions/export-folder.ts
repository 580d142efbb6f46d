import type { Action } from './action';

/** "Export Folder as mbox…": the folder the list shows, through the shell's save dialog (the desktop app only). */
export const exportFolder: Action = {
  name: 'export-folder',
  label: 'Export folder as mbox…',
  keys: [],
  group: 'app',
  icon: 'download',
  offered: (ctx) => ctx.desktop !== null,
  predicate: (ctx) => ctx.desktop !== null && (ctx.target.folder ?? ctx.shownFolder) !== null,
  async perform(ctx) {
    const folder = (ctx.target.folder ?? ctx.shownFolder)!;
    try {
      await ctx.desktop!.exportFolderWithDialog({ accountId: folder.accountId, folderPath: folder.path });
    } catch (error) {
      ctx.report(error);
    }
  },
};

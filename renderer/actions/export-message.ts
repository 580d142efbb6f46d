import type { Action } from './action';

/** "Save Message As…": the exact source as .eml, through the shell's save dialog (the desktop app only). */
export const exportMessage: Action = {
  name: 'export-message',
  label: 'Save message as…',
  keys: [],
  group: 'view',
  icon: 'download',
  offered: (ctx) => ctx.desktop !== null,
  predicate: (ctx) => ctx.desktop !== null && ctx.focused !== null && ctx.selectedCount === 1,
  async perform(ctx) {
    try {
      await ctx.desktop!.exportMessageWithDialog({ id: ctx.focused!.id });
    } catch (error) {
      ctx.report(error);
    }
  },
};

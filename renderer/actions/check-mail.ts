import type { Action } from './action';

/** Every account, now (the menu's F5 / Cmd+Shift+N); the watch loops do this by themselves otherwise. */
export const checkMail: Action = {
  name: 'check-mail',
  label: 'Check for new mail',
  keys: [],
  group: 'app',
  icon: 'refresh',
  predicate: () => true,
  async perform(ctx) {
    try {
      await ctx.api.syncAccounts({});
    } catch (error) {
      ctx.report(error);
    }
  },
};

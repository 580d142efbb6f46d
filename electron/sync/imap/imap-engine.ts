import type { SyncEngine } from '../engine';
import { syncAccountOnce } from './account-pass';
import { completeImapMessage } from './complete-message';
import { imapActions } from './imap-actions';
import { imapFolders } from './imap-folders';
import { watchAccount } from './watch';

/**
 * IMAP sync on imapflow: a pass mirrors every folder (account-pass.ts), a watch session pushes INBOX with
 * IDLE and polls the rest (watch.ts), and a message stored as headers only is completed on demand.
 * Every connection is a new imapflow client (protocols/imap/imap-connection.ts). The user's actions are
 * planned by imap-actions.ts and replayed at the start of every pass and watch session
 * (ops/replay-pending.ts).
 */
export const imapEngine: SyncEngine = {
  hasServer: true,
  mirrorsServer: true,
  actions: imapActions,
  folders: imapFolders,
  syncOnce: (ctx) => syncAccountOnce(ctx),
  watch: (ctx, options) => watchAccount(ctx, options),
  completeMessage: (ctx, messageId) => completeImapMessage(ctx, messageId),
};

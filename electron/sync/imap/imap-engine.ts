import type { SyncEngine } from '../engine';
import { syncAccountOnce } from './account-pass';
import { completeImapMessage } from './complete-message';
import { watchAccount } from './watch';

/**
 * IMAP sync on imapflow: a pass mirrors every folder (account-pass.ts), a watch session pushes INBOX with
 * IDLE and polls the rest (watch.ts), and a message stored as headers only is completed on demand.
 * Every connection is a new imapflow client (imap-connection.ts).
 */
export const imapEngine: SyncEngine = {
  syncOnce: (ctx) => syncAccountOnce(ctx),
  watch: (ctx, options) => watchAccount(ctx, options),
  completeMessage: (ctx, messageId) => completeImapMessage(ctx, messageId),
};

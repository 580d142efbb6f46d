import type { MethodHandlers } from '../../shared/contract';
import { LOCAL_ACCOUNT_ID, type OutgoingServerSettings } from '../../shared/contract/accounts';
import type { ResponseMode } from '../../shared/contract/outgoing';
import { HomingError } from '../../shared/errors';
import { accountPasswords } from '../accounts/account-passwords';
import { outgoingPassword } from '../accounts/outgoing-password';
import { requireStoredPasswordScope, savedTargets } from '../accounts/stored-password-scope';
import { findAccount } from '../store/accounts';
import { getDraft, listDrafts } from '../store/drafts';
import { listIdentities } from '../store/identities';
import { listOutbox, toOutboxItem } from '../store/outbox';
import { type AccountSetup, defaultAccountSetup } from './account-queries';
import type { QueryContext } from './query-context';
import { bodyStatusOf, downloadMissingBodies } from './whole-messages';

type OutgoingQueries = 'listIdentities' | 'prepareResponse' | 'listDrafts' | 'getDraft' | 'listOutbox' | 'testOutgoingServer';

/** Sending mail, read side: identities, drafts, the outbox, prepared replies, the outgoing server's test. */
export function createOutgoingQueries(ctx: QueryContext, setup: AccountSetup = defaultAccountSetup()): MethodHandlers<OutgoingQueries> {
  return {
    async listIdentities({ accountId }) {
      return listIdentities(ctx.db, accountId);
    },
    async prepareResponse({ messageId, mode }) {
      await completeOriginal(ctx, messageId, mode);
      const { prepareResponse } = await import('./prepare-response');
      return prepareResponse(ctx.db, messageId, mode);
    },
    async listDrafts({ accountId }) {
      return listDrafts(ctx.db, accountId);
    },
    async getDraft({ id }) {
      const { messageId: _m, revision: _r, serverRevision: _s, serverCopyAt: _c, uploadStarted: _u, ...draft } = getDraft(ctx.db, id);
      return draft;
    },
    async listOutbox({ accountId, includeFiled }) {
      return listOutbox(ctx.db, { ...(accountId ? { accountId } : {}), includeFiled }).map(toOutboxItem);
    },

    /**
     * As testConnection for the incoming server: stored settings, settings being typed, or both. Without a
     * typed password, the stored one the account would send with (its own, or the incoming one). A pinned
     * certificate applies only to the server it was pinned for.
     */
    async testOutgoingServer(args) {
      const account = args.accountId ? findAccount(ctx.db, args.accountId) : null;
      if (args.accountId && (!account || account.id === LOCAL_ACCOUNT_ID)) {
        throw new HomingError('NOT_FOUND', `No mail account with id ${args.accountId}.`);
      }
      const stored: OutgoingServerSettings | null = account?.smtp
        ? { host: account.smtp.host, port: account.smtp.port, security: account.smtp.security, username: account.smtp.username }
        : null;
      const server = args.server ?? stored;
      if (!server) {
        throw new HomingError(account ? 'NO_OUTGOING_SERVER' : 'INVALID_ARGUMENT', account ? `${account.email} has no outgoing server to test.` : 'Give an account id or the outgoing server to test.');
      }
      const sameServer = account?.smtp != null && account.smtp.host.toLowerCase() === server.host.toLowerCase() && account.smtp.port === server.port;
      const trustedFingerprint = args.trustedFingerprint !== undefined ? args.trustedFingerprint : sameServer ? (account?.smtp?.trustedFingerprint ?? null) : null;
      let password = args.password ?? null;
      if (password === null && server.username !== null) {
        if (!account) throw new HomingError('CREDENTIALS_MISSING', 'Enter the password to test the outgoing server.');
        // The stored password only to a server it was saved for (stored-password-scope.ts), before connecting.
        requireStoredPasswordScope(savedTargets(account, account.smtp?.passwordSource === 'own' ? 'own' : 'incoming'), { ...server, trustedFingerprint }, account);
        password = await outgoingPassword(accountPasswords(ctx), account);
      }
      const { testOutgoingConnection } = await import('../accounts/outgoing-connection-test');
      return testOutgoingConnection(
        { server, password, trustedFingerprint },
        { resolvers: setup.resolvers, ...(setup.probeTimeouts ? { timeouts: setup.probeTimeouts } : {}) },
      );
    },
  };
}

/**
 * An original stored without its body (IMAP outside the offline scope, POP3 over the size limit) has the
 * rest downloaded before it is answered. A forward carries the whole message (its text and attachments, or
 * the message itself as an .eml), so without the rest it is BODY_NOT_DOWNLOADED, never a forward of the
 * headers alone; a reply quotes what is stored when the rest cannot be had (one can answer offline).
 */
async function completeOriginal(ctx: QueryContext, messageId: number, mode: ResponseMode): Promise<void> {
  if (bodyStatusOf(ctx.db, messageId) === 'full') return;
  if (mode === 'forward-inline' || mode === 'forward-attachment') {
    await downloadMissingBodies(ctx, [messageId], 'A forward needs the whole message, so none was prepared');
    return;
  }
  await ctx.completeMessage?.(messageId).catch(() => undefined);
}

import { join } from 'node:path';
import type { Account } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { createResolvers, resolverOptionsFromEnv } from '../../accounts/resolvers';
import type { NetworkOverrides } from '../../net/tls-trust';
import type { WriteDb } from '../../store/db';
import type { ProgressUpdate, SyncEngineContext } from '../engine';
import { retryIfDroppedAtLogin } from '../login-retry';
import { connectImap, type ImapConnection } from '../../protocols/imap/imap-connection';

/** What every step of one IMAP sync pass (or watch session) works with. */
export interface ImapPass {
  readonly engine: SyncEngineContext;
  readonly db: WriteDb;
  readonly account: Account;
  readonly connection: ImapConnection;
  /** Where large messages are streamed before they are committed (inside the data directory: same disk; one per account). */
  readonly tempDir: string;
  /** New messages stored so far. */
  added: number;
  /** Bodies of messages stored as headers only, downloaded so far. */
  bodies: number;
  progress(update: ProgressUpdate): void;
  /** Throws CANCELLED once the pass should stop (between transactions, never inside one). */
  checkpoint(): void;
}

let network: NetworkOverrides | null = null;

/**
 * The same name resolution account setup uses (HOMING_DNS_SERVERS for split-horizon networks and tests of
 * the built app; nothing in a normal setup), so a server the connection test reached is the one synced.
 */
function syncNetwork(): NetworkOverrides {
  network ??= createResolvers(resolverOptionsFromEnv(process.env)).network;
  return network;
}

/** Connects with the account's settings and stored password. */
export async function connectAccount(ctx: SyncEngineContext): Promise<ImapConnection> {
  const { account } = ctx;
  if (!account.host || !account.port || !account.security || !account.username) {
    throw new HomingError('INVALID_ARGUMENT', `The account ${account.email} has no complete server settings.`);
  }
  ctx.progress({ phase: 'connecting', folder: null });
  const password = await ctx.password();
  const connect = () =>
    connectImap({
      host: account.host!,
      port: account.port!,
      security: account.security!,
      username: account.username!,
      password,
      trustedFingerprint: account.trustedFingerprint,
      network: syncNetwork(),
      signal: ctx.signal,
    });
  // A login the server answered by closing the connection: retried once, then AUTH_FAILED (login-retry.ts).
  return retryIfDroppedAtLogin(connect, (error) =>
    error instanceof HomingError && (error.detail as { droppedAtLogin?: boolean } | undefined)?.droppedAtLogin === true ? { detail: error.detail } : null,
  );
}

export function createPass(ctx: SyncEngineContext, connection: ImapConnection): ImapPass {
  return {
    engine: ctx,
    db: ctx.writer.db,
    account: ctx.account,
    connection,
    tempDir: join(ctx.writer.dataDir, 'tmp', `imap-${ctx.account.id}`),
    added: 0,
    bodies: 0,
    progress: (update) => ctx.progress(update),
    checkpoint() {
      if (ctx.signal.aborted) throw new HomingError('CANCELLED', 'Sync was stopped.');
    },
  };
}

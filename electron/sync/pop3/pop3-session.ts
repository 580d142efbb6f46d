import { join } from 'node:path';
import type { Account } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { createResolvers, resolverOptionsFromEnv } from '../../accounts/resolvers';
import type { NetworkOverrides } from '../../net/tls-trust';
import type { SyncEngineContext } from '../engine';
import { retryIfDroppedAtLogin } from '../login-retry';
import type { Pop3Timeouts } from '../../protocols/pop3/limits';
import { Pop3Client } from '../../protocols/pop3/pop3-client';
import type { ApopRecord } from '../../protocols/pop3/authenticate';
import type { WriteDb } from '../../store/db';
import { findFolderByPath, getFolder, updateFolderSyncState } from '../../store/folders';
import { writeTransaction } from '../../store/write-transaction';
import { ensureInbox, POP3_INBOX_PATH } from './inbox-folder';

/** Test hooks for the engine (network overrides, short timeouts); production passes nothing. */
export interface Pop3EngineOptions {
  network?: NetworkOverrides;
  timeouts?: Partial<Pop3Timeouts>;
}

let network: NetworkOverrides | null = null;

/**
 * The name resolution account setup and IMAP sync use (HOMING_DNS_SERVERS), so the POP3 server the
 * connection test reached is the one synced.
 */
function syncNetwork(): NetworkOverrides {
  network ??= createResolvers(resolverOptionsFromEnv(process.env)).network;
  return network;
}

/** Connects and logs in with the account's settings and password. The caller closes or quits the client. */
export async function openSession(ctx: SyncEngineContext, options: Pop3EngineOptions = {}): Promise<Pop3Client> {
  const { account } = ctx;
  if (account.protocol !== 'pop3' || !account.host || !account.port || !account.security || !account.username) {
    throw new HomingError('INVALID_ARGUMENT', `Account ${account.id} is not a complete POP3 account.`);
  }
  const password = await ctx.password();
  const connectAndLogin = async (): Promise<Pop3Client> => {
    const client = await Pop3Client.connect({
      host: account.host!,
      port: account.port!,
      security: account.security!,
      trustedFingerprint: account.trustedFingerprint,
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      network: options.network ?? syncNetwork(),
    });
    try {
      await client.login(account.username!, password, undefined, apopRecord(ctx));
      return client;
    } catch (error) {
      client.close();
      throw error instanceof HomingError && error.code === 'CONNECTION_LOST' ? new DroppedAtLogin(error) : error;
    }
  };
  // A login the server answered by closing the connection: retried once, then AUTH_FAILED (login-retry.ts).
  return retryIfDroppedAtLogin(connectAndLogin, (error) => (error instanceof DroppedAtLogin ? { detail: error.original.detail } : null));
}

/** The key of the POP3 INBOX's sync state naming the server and user for whom APOP was refused (`host:port user`). */
const APOP_REFUSED = 'apopRefused';

/** What a pass's end keeps of INBOX's sync state (the rest it writes anew). */
export function keptSyncState(state: Record<string, unknown>): Record<string, unknown> {
  return APOP_REFUSED in state ? { [APOP_REFUSED]: state[APOP_REFUSED] } : {};
}

/**
 * APOP refused for the account's user on its server while USER/PASS or SASL took the same password
 * (authenticate.ts), kept in the store: every run of `homing sync` and every start of the app would
 * otherwise cost the server one failed login more. An edit to another host, port or user tries APOP again.
 */
function apopRecord(ctx: SyncEngineContext): ApopRecord {
  const { account } = ctx;
  const { db } = ctx.writer;
  return {
    refused: findFolderByPath(db, account.id, POP3_INBOX_PATH)?.syncState[APOP_REFUSED] === apopKey(account),
    remember: () => rememberApopRefused(db, account),
  };
}

const apopKey = (account: Account) => `${account.host}:${account.port} ${account.username}`;

/**
 * Keeps in the account's store that APOP was refused for its user on its server while another mechanism
 * took the same password: at a sync's login, or at the connection test the account was added after.
 */
export function rememberApopRefused(db: WriteDb, account: Account): void {
  try {
    const inbox = ensureInbox(db, account.id);
    writeTransaction(db, (changes) => updateFolderSyncState(db, changes, inbox.id, { syncState: { ...getFolder(db, inbox.id).syncState, [APOP_REFUSED]: apopKey(account) } }));
  } catch {
    // Not kept (a full disk): the process still remembers it (authenticate.ts), and the login stands.
  }
}

/** The connection closed while the server had our credentials and had not answered yet. */
class DroppedAtLogin extends Error {
  constructor(readonly original: HomingError) {
    super(original.message);
  }
}

/** Where messages too large for memory are streamed: inside the data directory (same disk), one per account. */
export function tempDirFor(ctx: SyncEngineContext): string {
  return join(ctx.writer.dataDir, 'tmp', `pop3-${ctx.account.id}`);
}

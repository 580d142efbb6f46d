import { join } from 'node:path';
import { HomingError } from '../../../shared/errors';
import { createResolvers, resolverOptionsFromEnv } from '../../accounts/resolvers';
import type { NetworkOverrides } from '../../net/tls-trust';
import type { SyncEngineContext } from '../engine';
import { retryIfDroppedAtLogin } from '../login-retry';
import type { Pop3Timeouts } from '../../protocols/pop3/limits';
import { Pop3Client } from '../../protocols/pop3/pop3-client';

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
      await client.login(account.username!, password);
      return client;
    } catch (error) {
      client.close();
      throw error instanceof HomingError && error.code === 'CONNECTION_LOST' ? new DroppedAtLogin(error) : error;
    }
  };
  // A login the server answered by closing the connection: retried once, then AUTH_FAILED (login-retry.ts).
  return retryIfDroppedAtLogin(connectAndLogin, (error) => (error instanceof DroppedAtLogin ? { detail: error.original.detail } : null));
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

import type { CommandName, MethodArgsInput, MethodResult } from '../../shared/contract';
import { type Account, type AccountSettings, defaultAccountSettings } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import { MemoryVault } from '../../electron/accounts/vault';
import { insertAccount } from '../../electron/store/accounts';
import type { WriteDb } from '../../electron/store/db';
import { writeTransaction } from '../../electron/store/write-transaction';
import { SyncRuntime } from '../../electron/sync/sync-runtime';
import { createWriter, type Writer } from '../../electron/sync/writer';
import type { WriterContext } from '../../electron/sync/writer-context';
import type { DovecotServer } from '../servers/dovecot';
import { tempStore } from './store';

/**
 * One store with several accounts on the test Dovecot (IMAP over TLS, POP3 over TLS), driven through the
 * writer's own command table: arguments validated and defaulted as the CLI and the window send them,
 * change events emitted after each commit.
 */
export interface OrganiseFixture {
  db: WriteDb;
  dir: string;
  writer: Writer;
  runtime: SyncRuntime;
  events: Array<{ event: string; payload: unknown }>;
  accounts: Record<string, Account>;
  call<M extends CommandName>(method: M, args: MethodArgsInput<M>): Promise<MethodResult<M>>;
  /** One pass of the named accounts; throws with the first account's error unless `allowFailure`. */
  sync(accountIds: string[], options?: { allowFailure?: boolean }): Promise<Awaited<MethodResult<'syncAccounts'>>>;
  close(): void;
}

export async function organiseFixture(
  server: Pick<DovecotServer, 'users' | 'ports' | 'certificate'>,
  specs: Array<{ key: string; user: string; protocol: 'imap' | 'pop3'; settings?: Partial<AccountSettings> }>,
): Promise<OrganiseFixture> {
  const { db, dir } = tempStore();
  const vault = new MemoryVault();
  const accounts: Record<string, Account> = {};
  for (const spec of specs) {
    const account = writeTransaction(db, (changes) =>
      insertAccount(db, changes, {
        name: spec.key,
        email: `${spec.user}@example.org`,
        protocol: spec.protocol,
        host: '127.0.0.1',
        port: spec.protocol === 'imap' ? server.ports.imaps : server.ports.pop3s,
        security: 'tls',
        username: spec.user,
        trustedFingerprint: server.certificate.fingerprint256,
        settings: { ...defaultAccountSettings, ...spec.settings },
      }),
    );
    await vault.setPassword(account.id, server.users.find((u) => u.name === spec.user)!.password);
    accounts[spec.key] = account;
  }
  const events: OrganiseFixture['events'] = [];
  const shutdown = new AbortController();
  const ctx: WriterContext = { db, dataDir: dir, vault, shutdown: shutdown.signal, emit: (event, payload) => void events.push({ event, payload }) };
  const runtime = new SyncRuntime(ctx);
  const writer = createWriter(ctx, { runtime });
  const call = async <M extends CommandName>(method: M, args: MethodArgsInput<M>): Promise<MethodResult<M>> => {
    const envelope = await writer.handle(method, args);
    if (!envelope.ok) throw HomingError.fromData(envelope.error);
    return envelope.value as MethodResult<M>;
  };
  return {
    db,
    dir,
    writer,
    runtime,
    events,
    accounts,
    call,
    async sync(accountIds, options = {}) {
      const outcomes = await call('syncAccounts', { accountIds });
      const failed = outcomes.find((o) => !o.ok);
      if (failed && !options.allowFailure) throw new HomingError(failed.error!.code as 'INTERNAL', `${failed.accountId}: ${failed.error!.message}`);
      return outcomes;
    },
    close() {
      shutdown.abort();
      writer.dispose();
    },
  };
}

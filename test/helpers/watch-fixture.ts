import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Account, type AccountSettings, defaultAccountSettings, type Protocol } from '../../shared/contract/accounts';
import type { EventName, EventPayload } from '../../shared/contract';
import type { SyncStatus } from '../../shared/contract/sync';
import { MemoryVault } from '../../electron/accounts/vault';
import { insertAccount } from '../../electron/store/accounts';
import type { WriteDb } from '../../electron/store/db';
import { writeTransaction } from '../../electron/store/write-transaction';
import { SyncRuntime } from '../../electron/sync/sync-runtime';
import type { WatchTiming } from '../../electron/sync/watch-policy';
import type { WriterContext } from '../../electron/sync/writer-context';
import { createWriter, type Writer } from '../../electron/sync/writer';
import type { DovecotServer } from '../servers/dovecot';
import { tempStore } from './store';

const run = promisify(execFile);

/**
 * Watch timings for tests: retries within a fraction of a second, a check every 1.5 s, IDLE re-issued
 * every second. The NOOP timeout stays generous (a loaded machine must not look like a dead server).
 */
export const testWatchTiming: Partial<WatchTiming> = {
  retryBaseMs: 200,
  retryMaxMs: 2_000,
  needsUserMaxMs: 6_000,
  checkIntervalMs: 1_500,
  idleCheckMs: 1_000,
  noopTimeoutMs: 10_000,
};

export interface WatchedAccountSpec {
  user: string;
  protocol: Protocol;
  /** Default: the server's implicit-TLS port for the protocol. */
  port?: number;
  password?: string;
  settings?: Partial<AccountSettings>;
}

/** A store, a writer (the worker's command table, in this process) and its runtime, with accounts on Dovecot. */
export interface WatchFixture {
  db: WriteDb;
  dir: string;
  vault: MemoryVault;
  writer: Writer;
  runtime: SyncRuntime;
  context: WriterContext;
  /** Every event the writer emitted, with the time it was emitted. */
  events: Array<{ event: string; payload: unknown; at: number }>;
  addAccount(spec: WatchedAccountSpec): Promise<Account>;
  /** The latest status event of the account (or the board's record when none was sent). */
  status(accountId: string): SyncStatus;
  statuses(accountId: string): SyncStatus[];
  /** Runs a contract command as the worker would (validated, errors as envelopes turned back into throws). */
  command(method: string, args: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function watchFixture(server: DovecotServer, timing: Partial<WatchTiming> = testWatchTiming): Promise<WatchFixture> {
  const { db, dir } = tempStore();
  const vault = new MemoryVault();
  const events: WatchFixture['events'] = [];
  const shutdown = new AbortController();
  const context: WriterContext = {
    db,
    dataDir: dir,
    vault,
    shutdown: shutdown.signal,
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      events.push({ event, payload, at: Date.now() });
    },
  };
  const runtime = new SyncRuntime(context, timing);
  const writer = createWriter(context, { runtime });
  const statuses = (accountId: string) =>
    events.filter((e) => e.event === 'syncProgressed' && (e.payload as SyncStatus).accountId === accountId).map((e) => e.payload as SyncStatus);
  return {
    db,
    dir,
    vault,
    writer,
    runtime,
    context,
    events,
    async addAccount(spec) {
      const password = spec.password ?? server.users.find((u) => u.name === spec.user)!.password;
      const account = writeTransaction(db, (changes) =>
        insertAccount(db, changes, {
          name: spec.user,
          email: `${spec.user}@example.org`,
          protocol: spec.protocol,
          host: '127.0.0.1',
          port: spec.port ?? (spec.protocol === 'imap' ? server.ports.imaps : server.ports.pop3s),
          security: 'tls',
          username: spec.user,
          trustedFingerprint: server.certificate.fingerprint256,
          settings: { ...defaultAccountSettings, ...spec.settings },
        }),
      );
      await vault.setPassword(account.id, password);
      return account;
    },
    status: (accountId) => statuses(accountId).at(-1) ?? runtime.status.get(accountId),
    statuses,
    async command(method, args) {
      const envelope = await writer.handle(method, args);
      if (!envelope.ok) throw Object.assign(new Error(`${envelope.error.code}: ${envelope.error.message}`), { code: envelope.error.code });
      return envelope.value;
    },
    async close() {
      await runtime.stopWatching();
      shutdown.abort();
      writer.dispose();
    },
  };
}

/** Dovecot's own count of the user's open connections (`doveadm who`), the server's view of "how many". */
export async function dovecotConnections(server: DovecotServer, user: string): Promise<number> {
  const doveadm = '/usr/bin/doveadm';
  const { stdout } = await run(doveadm, ['-c', join(server.dir, 'etc', 'dovecot.conf'), 'who', '-1', user]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter((line) => line.startsWith(`${user} `)).length;
}

/** Logins Dovecot has logged for the user so far. */
export async function dovecotLogins(server: DovecotServer, user: string): Promise<number> {
  return (await server.log()).split(`Login: user=<${user}>`).length - 1;
}

/** Failed logins Dovecot has logged for the user so far (a wrong password). */
export async function dovecotFailedLogins(server: DovecotServer, user: string): Promise<number> {
  return (await server.log()).split('\n').filter((line) => line.includes(`user=<${user}>`) && /auth failed|Authentication failed|Password mismatch/i.test(line)).length;
}

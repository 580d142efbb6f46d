import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Account, type AccountSettings, defaultAccountSettings, type Pop3DeletePolicy, type Security } from '../../shared/contract/accounts';
import type { EventName, EventPayload } from '../../shared/contract';
import { MemoryVault } from '../../electron/accounts/vault';
import { insertAccount } from '../../electron/store/accounts';
import type { WriteDb } from '../../electron/store/db';
import { readSource } from '../../electron/store/message-sources';
import { writeTransaction } from '../../electron/store/write-transaction';
import type { SyncEngine, SyncEngineContext } from '../../electron/sync/engine';
import { createPop3Engine } from '../../electron/sync/pop3/pop3-engine';
import type { Pop3EngineOptions } from '../../electron/sync/pop3/pop3-session';
import { SyncRuntime } from '../../electron/sync/sync-runtime';
import type { WriterContext } from '../../electron/sync/writer-context';
import type { DovecotServer } from '../servers/dovecot';
import { tempStore } from './store';

/** A store, a POP3 account and the POP3 engine, in this process (tests drive syncOnce directly). */
export interface Pop3Fixture {
  db: WriteDb;
  dir: string;
  account: Account;
  engine: SyncEngine;
  events: Array<{ event: string; payload: unknown }>;
  /** The writer context and runtime the engine runs under (for the write handlers' tests). */
  writer: WriterContext;
  runtime: SyncRuntime;
  context(signal?: AbortSignal): SyncEngineContext;
  /** Re-reads the account (after settings changes). */
  setSettings(settings: Partial<AccountSettings>): void;
}

export async function pop3Fixture(options: {
  host?: string;
  port: number;
  security: Security;
  user: string;
  password: string;
  trustedFingerprint?: string | null;
  settings?: Partial<AccountSettings>;
  engine?: Pop3EngineOptions;
}): Promise<Pop3Fixture> {
  const { db, dir } = tempStore();
  let account = writeTransaction(db, (changes) =>
    insertAccount(db, changes, {
      name: options.user,
      email: `${options.user}@example.org`,
      protocol: 'pop3',
      host: options.host ?? '127.0.0.1',
      port: options.port,
      security: options.security,
      username: options.user,
      trustedFingerprint: options.trustedFingerprint ?? null,
      settings: { ...defaultAccountSettings, ...options.settings },
    }),
  );
  const vault = new MemoryVault();
  await vault.setPassword(account.id, options.password);
  const events: Pop3Fixture['events'] = [];
  const shutdown = new AbortController();
  const writer: WriterContext = {
    db,
    dataDir: dir,
    vault,
    shutdown: shutdown.signal,
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      events.push({ event, payload });
    },
  };
  const runtime = new SyncRuntime(writer);
  return {
    db,
    dir,
    get account() {
      return account;
    },
    engine: createPop3Engine(options.engine ?? {}),
    events,
    writer,
    runtime,
    context: (signal) => runtime.engineContext(account, signal ?? shutdown.signal),
    setSettings(settings) {
      account = { ...account, settings: { ...account.settings, ...settings } };
      db.sqlite.prepare('UPDATE accounts SET settings = ? WHERE id = ?').run(JSON.stringify(account.settings), account.id);
    },
  };
}

/** alice on a scripted fake POP3 server (plain text, password "secret" unless given): the fake servers' tests. */
export function fakePop3Fixture(server: { port: number }, options: { policy?: Pop3DeletePolicy; maxKb?: number | null; password?: string } = {}): Promise<Pop3Fixture> {
  return pop3Fixture({
    port: server.port,
    security: 'none',
    user: 'alice',
    password: options.password ?? 'secret',
    settings: { pop3Delete: options.policy ?? { kind: 'never' }, pop3MaxMessageKb: options.maxKb ?? null },
  });
}

export interface StoredPop3Message {
  id: number;
  uidl: string | null;
  messageId: string | null;
  subject: string;
  bodyStatus: string;
  deletedLocally: boolean;
  raw: Buffer;
}

export function storedPop3(db: WriteDb, accountId: string): StoredPop3Message[] {
  const rows = db.sqlite
    .prepare('SELECT id, uidl, message_id, subject, body_status, deleted_locally FROM messages WHERE account_id = ? ORDER BY id')
    .all(accountId) as Array<{ id: number; uidl: string | null; message_id: string | null; subject: string; body_status: string; deleted_locally: number }>;
  return rows.map((r) => ({
    id: r.id,
    uidl: r.uidl,
    messageId: r.message_id,
    subject: r.subject,
    bodyStatus: r.body_status,
    deletedLocally: r.deleted_locally === 1,
    raw: readSource(db, r.id),
  }));
}

/**
 * The files of a Maildir folder (cur/ and new/), i.e. what the server still holds. Dovecot renames files
 * when it changes flags (a POP3 session marks retrieved mail \Seen as it ends), so a file that vanishes
 * between listing and reading means "listed again".
 */
export function maildirFiles(folderDir: string): Array<{ name: string; raw: Buffer }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const files: Array<{ name: string; raw: Buffer }> = [];
      for (const sub of ['cur', 'new']) {
        let names: string[];
        try {
          names = readdirSync(join(folderDir, sub));
        } catch {
          continue;
        }
        for (const name of names) files.push({ name, raw: readFileSync(join(folderDir, sub, name)) });
      }
      return files;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT' || attempt >= 50) throw error;
    }
  }
}

/** A small message with a unique Message-ID and subject. */
export function testMessage(n: number, extraBody = ''): string {
  return (
    `From: Sender ${n} <sender${n}@example.org>\r\nTo: alice@example.org\r\nSubject: message ${n}\r\n` +
    `Message-ID: <m${n}@homing.test>\r\nDate: ${new Date(Date.UTC(2024, 0, 1, 0, n % 60)).toUTCString()}\r\n\r\nBody of message ${n}.\r\n${extraBody}`
  );
}

/**
 * Writes messages straight into a user's Maildir INBOX as a delivery agent would, with one chown at the
 * end (the harness's deliver() chowns the whole tree per message, too slow for hundreds).
 */
export function deliverMany(server: DovecotServer, user: string, raws: Array<string | Buffer>): void {
  const root = server.maildir(user);
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(root, sub), { recursive: true });
  const now = Math.floor(Date.now() / 1000);
  raws.forEach((raw, i) => {
    const when = now - raws.length + i;
    const path = join(root, 'cur', `${when}.${randomBytes(6).toString('hex')}.homing-test:2,`);
    writeFileSync(path, raw);
    utimesSync(path, when, when);
  });
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', '65534:65534', join(server.dir, 'mail', user)]);
}

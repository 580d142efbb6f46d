import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImapFlow } from 'imapflow';
import { type AccountSettings, defaultAccountSettings, type Account } from '../../shared/contract/accounts';
import type { EventName, EventPayload } from '../../shared/contract';
import { MemoryVault } from '../../electron/accounts/vault';
import { insertAccount } from '../../electron/store/accounts';
import type { WriteDb } from '../../electron/store/db';
import { readSource } from '../../electron/store/message-sources';
import { writeTransaction } from '../../electron/store/write-transaction';
import type { SyncEngineContext } from '../../electron/sync/engine';
import { SyncRuntime } from '../../electron/sync/sync-runtime';
import type { WriterContext } from '../../electron/sync/writer-context';
import { type DovecotServer, maildirFolder } from '../servers/dovecot';
import { adminClient } from '../servers/mail-server';
import { tempStore } from './store';

/** A store, an IMAP account on the test Dovecot, and a runtime to sync it — in this process. */
export interface ImapFixture {
  db: WriteDb;
  dir: string;
  account: Account;
  runtime: SyncRuntime;
  writer: WriterContext;
  events: Array<{ event: string; payload: unknown }>;
  context(signal?: AbortSignal): SyncEngineContext;
}

export async function imapFixture(
  server: Pick<DovecotServer, 'users' | 'ports' | 'certificate'>,
  options: { port?: number; security?: 'tls' | 'none'; user?: string; password?: string; settings?: Partial<AccountSettings> } = {},
): Promise<ImapFixture> {
  const { db, dir } = tempStore();
  const user = options.user ?? server.users[0]!.name;
  const password = options.password ?? server.users.find((u) => u.name === user)!.password;
  const account = writeTransaction(db, (changes) =>
    insertAccount(db, changes, {
      name: user,
      email: `${user}@example.org`,
      protocol: 'imap',
      host: '127.0.0.1',
      port: options.port ?? server.ports.imaps,
      security: options.security ?? 'tls',
      username: user,
      trustedFingerprint: server.certificate.fingerprint256,
      settings: { ...defaultAccountSettings, ...options.settings },
    }),
  );
  const vault = new MemoryVault();
  await vault.setPassword(account.id, password);
  const events: ImapFixture['events'] = [];
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
  return { db, dir, account, runtime, writer, events, context: (signal) => runtime.engineContext(account, signal ?? shutdown.signal) };
}

/** A second client on the server, as another mail program (webmail, a phone) would be. */
export function secondClient(server: DovecotServer, user = 'alice'): Promise<ImapFlow> {
  return adminClient(server, user);
}

export interface StoredMessage {
  id: number;
  folder: string;
  uid: number | null;
  uidvalidity: number | null;
  messageId: string | null;
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  bodyStatus: string;
  deletedLocally: boolean;
  size: number;
}

export function storedMessages(db: WriteDb, accountId: string): StoredMessage[] {
  return db.sqlite
    .prepare(
      `SELECT m.id, f.path AS folder, m.uid, m.uidvalidity, m.message_id AS messageId, m.seen, m.flagged, m.answered, m.draft,
              m.body_status AS bodyStatus, m.deleted_locally AS deletedLocally, m.size
       FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.account_id = ? ORDER BY f.path, m.uid`,
    )
    .all(accountId)
    .map((r) => {
      const row = r as Record<string, unknown>;
      return {
        ...(row as unknown as StoredMessage),
        seen: row.seen === 1,
        flagged: row.flagged === 1,
        answered: row.answered === 1,
        draft: row.draft === 1,
        deletedLocally: row.deletedLocally === 1,
      };
    });
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Per folder: the SHA-256 of every stored raw source, sorted (a multiset to compare with the server's files). */
export function storedHashes(db: WriteDb, accountId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of storedMessages(db, accountId)) {
    if (m.deletedLocally) continue;
    (out[m.folder] ??= []).push(sha256(readSource(db, m.id)));
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

export interface ServerFile {
  name: string;
  flags: string;
  bytes: Buffer;
}

/** The messages of a folder as Dovecot stores them (Maildir cur/ and new/). */
export async function serverFiles(server: DovecotServer, user: string, folder: string): Promise<ServerFile[]> {
  const dir = maildirFolder(server.maildir(user), folder);
  const files: ServerFile[] = [];
  for (const sub of ['cur', 'new']) {
    let names: string[];
    try {
      names = await readdir(join(dir, sub));
    } catch {
      continue;
    }
    for (const name of names) {
      files.push({ name, flags: sub === 'new' ? '' : (name.split(':2,')[1] ?? ''), bytes: await readFile(join(dir, sub, name)) });
    }
  }
  return files;
}

/** Waits for a condition (push tests): polls, fails after `ms` with the last value described. */
export async function eventually<T>(probe: () => T | Promise<T>, ok: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${ms} ms; last value: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

/** Counts files over every call in this process: file names stay unique when a test delivers more than once. */
let deliveredFiles = 0;

/**
 * Writes many messages into Maildir folders at once (the harness's deliver() does one chown per message,
 * too slow for thousands), then hands the tree to the mail user once. Names follow test/servers/README.md (Dovecot):
 * `<time>.<unique>.<host>:2,<flags>` in cur/, mtime = INTERNALDATE.
 */
export async function deliverMany(
  server: DovecotServer,
  user: string,
  items: Array<{ folder?: string; raw: Buffer; flags?: string[]; internalDate?: Date }>,
): Promise<void> {
  const { mkdir, writeFile, utimes } = await import('node:fs/promises');
  const { execFile } = await import('node:child_process');
  const letters: Record<string, string> = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' };
  const made = new Set<string>();
  for (const [i, item] of items.entries()) {
    const n = deliveredFiles++;
    const dir = maildirFolder(server.maildir(user), item.folder ?? 'INBOX');
    if (!made.has(dir)) {
      for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(dir, sub), { recursive: true });
      made.add(dir);
    }
    const when = item.internalDate ?? new Date(Date.UTC(2024, 0, 1) + i * 60_000);
    const flags = (item.flags ?? []).map((f) => letters[f] ?? '').sort().join('');
    const path = join(dir, 'cur', `${Math.floor(when.getTime() / 1000)}.M${n}P${process.pid}.homing-test:2,${flags}`);
    await writeFile(path, item.raw);
    await utimes(path, when, when);
  }
  if (process.getuid?.() === 0) {
    await new Promise<void>((resolve, reject) =>
      execFile('chown', ['-R', '65534:65534', join(server.dir, 'mail', user)], (error) => (error ? reject(error) : resolve())),
    );
  }
}

export interface MailboxState {
  [path: string]: Array<{ uid: number; flags: string[]; hash: string }>;
}

const visibleFlags = (flags: Iterable<string>) => [...flags].filter((f) => f !== '\\Recent').sort();

/** Every selectable folder's messages as the server has them: UID, flags, SHA-256 of the bytes. */
export async function serverState(client: ImapFlow): Promise<MailboxState> {
  const state: MailboxState = {};
  for (const folder of await client.list()) {
    if ([...folder.flags].some((f) => /^\\(Noselect|NonExistent)$/i.test(f))) continue;
    const path = folder.path.toUpperCase() === 'INBOX' ? 'INBOX' : folder.path;
    const lock = await client.getMailboxLock(folder.path, { readOnly: true });
    try {
      const rows: MailboxState[string] = [];
      if (client.mailbox && client.mailbox.exists > 0) {
        for await (const m of client.fetch('1:*', { uid: true, flags: true, source: true })) {
          rows.push({ uid: m.uid, flags: visibleFlags(m.flags ?? []), hash: sha256(m.source!) });
        }
      }
      state[path] = rows.sort((a, b) => a.uid - b.uid);
    } finally {
      lock.release();
    }
  }
  return state;
}

/** The same view of the store (visible messages only), for `toEqual` against serverState(). */
export function storeState(db: WriteDb, accountId: string): MailboxState {
  const state: MailboxState = {};
  const folders = db.sqlite.prepare(`SELECT id, path, sync_state FROM folders WHERE account_id = ?`).all(accountId) as Array<{
    id: number;
    path: string;
    sync_state: string;
  }>;
  for (const f of folders) {
    if (JSON.parse(f.sync_state).selectable === false) continue;
    const rows = db.sqlite
      .prepare(`SELECT id, uid, seen, flagged, answered, draft, keywords FROM messages WHERE folder_id = ? AND deleted_locally = 0 ORDER BY uid`)
      .all(f.id) as Array<{ id: number; uid: number; seen: number; flagged: number; answered: number; draft: number; keywords: string }>;
    state[f.path] = rows.map((r) => ({
      uid: r.uid,
      flags: visibleFlags([
        ...(r.seen ? ['\\Seen'] : []),
        ...(r.flagged ? ['\\Flagged'] : []),
        ...(r.answered ? ['\\Answered'] : []),
        ...(r.draft ? ['\\Draft'] : []),
        ...(JSON.parse(r.keywords) as string[]),
      ]),
      hash: sha256(readSource(db, r.id)),
    }));
  }
  return state;
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { SyncStatus } from '../../shared/contract/sync';
import { MemoryVault } from '../../electron/accounts/vault';
import { type MailServiceHandle, openMailService } from '../../electron/service/mail-service';
import { dbPathOf } from '../../electron/store/data-dir';
import type { ReadDb } from '../../electron/store/db';
import { closeDb, openReadDb } from '../../electron/store/open';
import { workerPath } from '../helpers/cli';
import { eventually, serverFiles } from '../helpers/imap-sync';
import { dovecotLogins } from '../helpers/watch-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/** Short timings so a few minutes hold every step; the bound below follows from them. */
const timing = { retryBaseMs: 250, retryMaxMs: 2_000, checkIntervalMs: 2_000, idleCheckMs: 5_000, noopTimeoutMs: 15_000, needsUserMaxMs: 10_000 };
/** The longest a loop can wait before its next try after the server returns, plus one POP3 check. */
const BACKOFF_BOUND_MS = timing.retryMaxMs + timing.checkIntervalMs;

/**
 * The soak (issue 24, "done when"): the service as the app runs it (worker thread, read connection,
 * watching every account) with two IMAP accounts and one POP3 account on a real Dovecot. Accounts are
 * added, edited and removed while the others run; Dovecot is stopped and started twice; after every step
 * a new message is delivered to every account and must arrive with nobody asking for a sync; changes
 * made while the server is down reach it once. It prints, per step and account, how long arrival took.
 */
describe('soak: three accounts kept live through edits and outages', () => {
  let server: DovecotServer;
  let handle: MailServiceHandle;
  let read: ReadDb;
  let dataDir: string;
  const statuses = new Map<string, SyncStatus>();
  const accounts = new Map<string, Account>();
  const arrivals: Array<{ step: string; account: string; ms: number }> = [];
  let n = 0;

  const users = [
    { name: 'alice', password: 'alice-secret', protocol: 'imap' as const },
    { name: 'bob', password: 'bob-secret', protocol: 'imap' as const },
    { name: 'carol', password: 'carol-secret', protocol: 'pop3' as const },
  ];

  const add = async (user: (typeof users)[number]) => {
    const account = await handle.service.addAccount({
      email: `${user.name}@example.org`,
      protocol: user.protocol,
      host: '127.0.0.1',
      port: user.protocol === 'imap' ? server.ports.imaps : server.ports.pop3s,
      security: 'tls',
      username: user.name,
      password: user.password,
      trustedFingerprint: server.certificate.fingerprint256,
    });
    accounts.set(user.name, account);
    return account;
  };
  const stored = (messageId: string) =>
    read.sqlite.prepare(`SELECT account_id AS accountId, body_status AS body FROM messages WHERE message_id = ?`).all(messageId) as Array<{ accountId: string; body: string }>;
  /** Delivers one new message to each named user and waits until each account has it whole; records how long. */
  const newMailArrives = async (step: string, names: string[]) => {
    await Promise.all(
      names.map(async (name) => {
        const id = `<soak-${n++}@example.org>`;
        const started = Date.now();
        await server.deliver(name, `From: Soak <soak@example.org>\r\nTo: ${name}@example.org\r\nSubject: ${step} for ${name}\r\nMessage-ID: ${id}\r\nDate: ${new Date().toUTCString()}\r\n\r\nNew mail during ${step}.\r\n`);
        const account = accounts.get(name)!;
        await eventually(() => stored(id), (rows) => rows.some((r) => r.accountId === account.id && r.body === 'full'), 60_000);
        arrivals.push({ step, account: name, ms: Date.now() - started });
      }),
    );
  };
  const allLive = (names: string[]) =>
    eventually(
      () => names.map((name) => statuses.get(accounts.get(name)!.id)),
      (list) => list.every((s, i) => (users.find((u) => u.name === names[i])!.protocol === 'imap' ? s?.phase === 'watching' : s?.lastSyncedAt != null)),
      60_000,
    );
  /**
   * Waits until the account's watch connection has opened INBOX. Its login comes after the pass's own
   * connection has logged out, so counting logins earlier can miss it and blame the next step for it.
   */
  const idling = (name: string) =>
    eventually(() => statuses.get(accounts.get(name)!.id), (s) => s?.phase === 'watching' && s.folder === 'INBOX', 60_000);
  const inboxIds = (name: string) =>
    (read.sqlite.prepare(`SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.account_id = ? AND f.path = 'INBOX' ORDER BY m.id`).all(accounts.get(name)!.id) as Array<{ id: number }>).map((r) => r.id);
  const folderId = (name: string, path: string) =>
    (read.sqlite.prepare(`SELECT id FROM folders WHERE account_id = ? AND path = ?`).get(accounts.get(name)!.id, path) as { id: number }).id;
  const subjectOf = (id: number) => (read.sqlite.prepare('SELECT message_id AS m FROM messages WHERE id = ?').get(id) as { m: string }).m;
  /** An outage: the server stops, changes are made meanwhile, the server returns; the loops must notice both ways. */
  const outage = async (step: string, offlineChanges: () => Promise<() => Promise<void>>) => {
    await server.stop();
    const imapAccounts = [...accounts.values()].filter((a) => a.protocol === 'imap');
    await eventually(() => imapAccounts.map((a) => statuses.get(a.id)), (list) => list.every((s) => s?.offlineSince != null), 60_000);
    const verify = await offlineChanges();
    await server.start();
    await newMailArrives(step, [...accounts.keys()]);
    await verify();
  };

  beforeAll(async () => {
    server = await startDovecot({ users: users.map(({ name, password }) => ({ name, password })) });
    for (const { name } of users) {
      for (let i = 0; i < 3; i++) {
        await server.deliver(name, `From: a@example.org\r\nSubject: old ${i}\r\nMessage-ID: <old-${name}-${i}@example.org>\r\n\r\nold\r\n`);
      }
    }
    dataDir = mkdtempSync(join(tmpdir(), 'homing-soak-'));
    handle = await openMailService({ dataDir, vault: new MemoryVault(), workerPath: workerPath(), startWriter: true, watchTiming: timing });
    handle.service.on('syncProgressed', (s) => statuses.set(s.accountId, s));
    read = openReadDb(dbPathOf(dataDir));
  });
  afterAll(async () => {
    if (arrivals.length > 0) {
      const steps = [...new Set(arrivals.map((a) => a.step))];
      const lines = steps.map((step) => `  ${step.padEnd(22)} ${arrivals.filter((a) => a.step === step).map((a) => `${a.account} ${a.ms} ms`).join(', ')}`);
      process.stdout.write(`soak: arrival of new mail after each step (bound after an outage: ${BACKOFF_BOUND_MS} ms of backoff plus one pass)\n${lines.join('\n')}\n`);
    }
    if (read) closeDb(read);
    await handle?.close();
    await server?.destroy();
  });

  it('keeps every account live through adds, edits, removals and two outages, with no manual sync', async () => {
    // As the app does at start: watch everything, now and later.
    await handle.service.startWatching({});
    await add(users[0]!);
    await add(users[2]!);
    await allLive(['alice', 'carol']);
    await newMailArrives('start', ['alice', 'carol']);

    await idling('alice');
    const aliceLogins = await dovecotLogins(server, 'alice');
    await add(users[1]!);
    await allLive(['alice', 'bob', 'carol']);
    await newMailArrives('bob added', ['alice', 'bob', 'carol']);

    await handle.service.updateAccount({ id: accounts.get('carol')!.id, patch: { settings: { pop3Delete: { kind: 'after-days', days: 30 } } } });
    await handle.service.updateAccount({ id: accounts.get('bob')!.id, patch: { settings: { subscribedOnly: true } } });
    await newMailArrives('carol and bob edited', ['alice', 'bob', 'carol']);
    // Adding and editing the others never reconnected alice.
    expect(await dovecotLogins(server, 'alice')).toBe(aliceLogins);

    await outage('outage 1', async () => {
      // Made while the server is down: a move (must land once, never twice) and a flag.
      const [first] = inboxIds('alice');
      const moved = subjectOf(first!);
      await handle.service.moveMessages({ ids: [first!], toFolderId: folderId('alice', 'Archive') });
      const [flagged] = inboxIds('bob');
      await handle.service.markMessages({ ids: [flagged!], flagged: true });
      await eventually(() => statuses.get(accounts.get('alice')!.id)?.pendingChanges, (count) => count === 1);
      return async () => {
        await eventually(() => [...accounts.values()].map((a) => statuses.get(a.id)?.pendingChanges), (counts) => counts.every((c) => c === 0), 60_000);
        const archive = await serverFiles(server, 'alice', 'Archive');
        const inbox = await serverFiles(server, 'alice', 'INBOX');
        expect(archive.filter((f) => f.bytes.includes(moved)).length).toBe(1);
        expect(inbox.filter((f) => f.bytes.includes(moved)).length).toBe(0);
        const bobInbox = await serverFiles(server, 'bob', 'INBOX');
        expect(bobInbox.filter((f) => f.flags.includes('F')).length).toBe(1);
      };
    });

    await idling('alice');
    const loginsBeforeRemoval = await dovecotLogins(server, 'alice');
    await handle.service.removeAccount({ id: accounts.get('bob')!.id, confirm: true });
    accounts.delete('bob');
    await newMailArrives('bob removed', ['alice', 'carol']);
    expect(await dovecotLogins(server, 'alice')).toBe(loginsBeforeRemoval);
    expect([...statuses.values()].filter((s) => s.accountId === accounts.get('alice')!.id && s.phase === 'error' && !['CONNECTION_LOST', 'CONNECTION_REFUSED'].includes(s.lastError?.code ?? ''))).toEqual([]);

    await outage('outage 2', async () => {
      const [first] = inboxIds('alice');
      const moved = subjectOf(first!);
      await handle.service.moveMessages({ ids: [first!], toFolderId: folderId('alice', 'Archive') });
      return async () => {
        await eventually(() => statuses.get(accounts.get('alice')!.id)?.pendingChanges, (count) => count === 0, 60_000);
        const archive = await serverFiles(server, 'alice', 'Archive');
        expect(archive.filter((f) => f.bytes.includes(moved)).length).toBe(1);
      };
    });
    expect(arrivals.length).toBe(2 + 3 + 3 + 3 + 2 + 2);
  });
});

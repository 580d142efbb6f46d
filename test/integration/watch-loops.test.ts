import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { SyncStatus } from '../../shared/contract/sync';
import { corpusMessage } from '../helpers/imap-corpus';
import { summariesByIds } from '../../electron/store/message-summaries';
import { eventually, secondClient, serverState, storedMessages } from '../helpers/imap-sync';
import { dovecotConnections, dovecotLogins, testWatchTiming, type WatchFixture, watchFixture } from '../helpers/watch-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Watch loops are per account (issue 24, item 1): starting, stopping, adding, editing or removing one
 * account never touches another's loop or connection. Two IMAP accounts and a POP3 account on one real
 * Dovecot, the worker's own command table in this process, test timings (a check every 1.5 s).
 * "Untouched" is measured on the server: Dovecot's log counts each account's logins.
 */
describe('one watch loop per account', () => {
  let server: DovecotServer;
  let fx: WatchFixture;
  let n = 0;
  const users = [
    { name: 'alice', password: 'alice-secret' },
    { name: 'bob', password: 'bob-secret' },
    { name: 'carol', password: 'carol-secret' },
  ];

  const has = (account: Account, messageId: string) => storedMessages(fx.db, account.id).some((m) => m.messageId === messageId && m.bodyStatus === 'full');
  /** Delivers a fresh message and waits until the account has stored it whole. */
  const arrives = async (account: Account, user: string, folder = 'INBOX') => {
    const i = 90_000 + n++;
    await server.deliver(user, corpusMessage(i), { folder });
    await eventually(() => has(account, `<msg-${i}@corpus.test>`), Boolean, 30_000);
  };
  const watching = (account: Account) => eventually(() => fx.status(account.id), (s) => s.phase === 'watching', 30_000);

  beforeAll(async () => {
    server = await startDovecot({ users });
  });
  afterEach(async () => {
    await fx?.close();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('watching a second account (as the app does after adding one) leaves the first one’s IDLE connection alone', async () => {
    fx = await watchFixture(server);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', { accountIds: [alice.id] });
    await watching(alice);
    const aliceLogins = await dovecotLogins(server, 'alice');

    const bob = await fx.addAccount({ user: 'bob', protocol: 'imap' });
    await fx.command('startWatching', { accountIds: [bob.id] });
    await watching(bob);
    await arrives(alice, 'alice');
    await arrives(bob, 'bob');
    expect(await dovecotLogins(server, 'alice')).toBe(aliceLogins);
    expect(fx.runtime.watchedAccounts().sort()).toEqual([alice.id, bob.id].sort());
  });

  it('adding, editing and removing an account while every account is watched touches only that account', async () => {
    fx = await watchFixture(server);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await watching(alice);
    const aliceLogins = await dovecotLogins(server, 'alice');

    // Added through the writer: watched at once, without a call from the shell.
    const bob = (await fx.command('addAccount', {
      email: 'bob@example.org',
      protocol: 'imap',
      host: '127.0.0.1',
      port: server.ports.imaps,
      security: 'tls',
      username: 'bob',
      password: 'bob-secret',
      trustedFingerprint: server.certificate.fingerprint256,
    })) as Account;
    await watching(bob);
    const carol = (await fx.command('addAccount', {
      email: 'carol@example.org',
      protocol: 'pop3',
      host: '127.0.0.1',
      port: server.ports.pop3s,
      security: 'tls',
      username: 'carol',
      password: 'carol-secret',
      trustedFingerprint: server.certificate.fingerprint256,
    })) as Account;
    await arrives(carol, 'carol');

    // Editing bob reconnects bob (his loop starts over with the new settings), nobody else.
    const bobLogins = await dovecotLogins(server, 'bob');
    await fx.command('updateAccount', { id: bob.id, patch: { settings: { subscribedOnly: true } } });
    await eventually(() => dovecotLogins(server, 'bob'), (logins) => logins > bobLogins);
    await arrives(bob, 'bob');

    // Renaming bob is not a reason to reconnect.
    await watching(bob);
    const afterEdit = await dovecotLogins(server, 'bob');
    await fx.command('updateAccount', { id: bob.id, patch: { name: 'Bob at work' } });
    await arrives(bob, 'bob');
    expect(await dovecotLogins(server, 'bob')).toBe(afterEdit);

    await fx.command('removeAccount', { id: carol.id, confirm: true });
    expect(fx.runtime.watchedAccounts().sort()).toEqual([alice.id, bob.id].sort());
    await arrives(alice, 'alice');
    expect(await dovecotLogins(server, 'alice')).toBe(aliceLogins);
    expect(fx.statuses(alice.id).filter((s) => s.phase === 'error')).toEqual([]);
  });

  it('removing an account during IDLE ends its loop and its connection; the others carry on without an error', async () => {
    fx = await watchFixture(server);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    const bob = await fx.addAccount({ user: 'bob', protocol: 'imap' });
    await fx.command('startWatching', {});
    await Promise.all([watching(alice), watching(bob)]);
    const aliceLogins = await dovecotLogins(server, 'alice');

    await fx.command('removeAccount', { id: bob.id, confirm: true });
    expect(fx.runtime.watchedAccounts()).toEqual([alice.id]);
    await eventually(() => dovecotConnections(server, 'bob'), (open) => open === 0);
    await arrives(alice, 'alice');
    expect(await dovecotLogins(server, 'alice')).toBe(aliceLogins);
    expect(fx.statuses(alice.id).filter((s) => s.phase === 'error')).toEqual([]);
    expect(fx.statuses(bob.id).filter((s) => s.phase === 'error')).toEqual([]);
  });

  it('checks a POP3 account every check interval, and polls IMAP folders other than INBOX', async () => {
    fx = await watchFixture(server);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    const carol = await fx.addAccount({ user: 'carol', protocol: 'pop3' });
    await fx.command('startWatching', {});
    await watching(alice);
    await eventually(() => fx.status(carol.id), (s) => s.lastSyncedAt !== null && s.nextAttemptAt !== null);
    // The POP3 loop says when it checks next, and checks again by itself.
    const carolLogins = await dovecotLogins(server, 'carol');
    await eventually(() => dovecotLogins(server, 'carol'), (logins) => logins >= carolLogins + 2);
    await arrives(carol, 'carol');
    await arrives(carol, 'carol');
    // No IDLE on Archive: the watch session's poll brings it.
    await arrives(alice, 'alice', 'Archive');
    expect(storedMessages(fx.db, alice.id).filter((m) => m.folder === 'Archive').length).toBeGreaterThan(0);
  });

  it('a Check of a POP3 account while its loop waits keeps saying when the loop checks next', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, checkIntervalMs: 600_000 });
    const carol = await fx.addAccount({ user: 'carol', protocol: 'pop3' });
    await fx.command('startWatching', {});
    const waiting = await eventually(() => fx.status(carol.id), (s) => s.lastSyncedAt !== null && s.nextAttemptAt !== null);
    await fx.command('syncAccounts', { accountIds: [carol.id] });
    const after = await eventually(() => fx.status(carol.id), (s) => s.phase === 'idle' && s.lastSyncedAt !== waiting.lastSyncedAt);
    // The loop still sleeps until then; the window's "next check in ..." must not vanish after a Check.
    expect(after.nextAttemptAt).toBe(waiting.nextAttemptAt);
  });

  it('says which folder the server would not open, and keeps the account live', async () => {
    // A folder Dovecot lists but cannot open (a dangling Maildir++ link): the per-folder error.
    symlinkSync('/nonexistent-homing-folder', join(server.maildir('bob'), '.Ghost'));
    fx = await watchFixture(server);
    const bob = await fx.addAccount({ user: 'bob', protocol: 'imap' });
    await fx.command('startWatching', {});
    const live = await watching(bob);
    expect(live.unreadableFolders).toEqual(['Ghost']);
    expect(live.lastError).toBeNull();
    await arrives(bob, 'bob');
    rmSync(join(server.maildir('bob'), '.Ghost'));
  });
});

describe('changes made while the server is down', () => {
  let server: DovecotServer;
  let fx: WatchFixture;

  beforeAll(async () => {
    server = await startDovecot();
    for (let i = 0; i < 3; i++) await server.deliver('alice', corpusMessage(i));
  });
  afterAll(async () => {
    await fx?.close();
    await server?.destroy();
  });

  it('are counted in the status (never "up to date"), reach the server once after it returns, and their marks clear', async () => {
    fx = await watchFixture(server);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);
    const ids = storedMessages(fx.db, alice.id).filter((m) => m.folder === 'INBOX').map((m) => m.id);
    expect(ids).toHaveLength(3);

    await server.stop();
    const down = await eventually(() => fx.status(alice.id), (s) => s.offlineSince !== null && s.phase === 'error', 30_000);
    expect(down.online).toBe(false);
    await fx.command('markMessages', { ids: [ids[0]], seen: true });
    await fx.command('markMessages', { ids: [ids[1]], flagged: true });
    const waiting = await eventually(() => fx.status(alice.id), (s) => s.pendingChanges === 2);
    expect(waiting.offlineSince).toBe(down.offlineSince);
    expect(summariesByIds(fx.db, ids.slice(0, 2)).map((m) => m.pendingState)).toEqual(['pending', 'pending']);

    const eventsBeforeReturn = fx.events.length;
    await server.start();
    const back = await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching' && s.pendingChanges === 0, 30_000);
    expect(back).toMatchObject({ online: true, offlineSince: null, lastError: null, refusedChanges: 0 });
    expect(summariesByIds(fx.db, ids).map((m) => m.pendingState)).toEqual([null, null, null]);
    // The commits that confirmed them named the messages, so a list showing them reloads their marks.
    const confirmed = fx.events
      .slice(eventsBeforeReturn)
      .filter((e) => e.event === 'messagesChanged')
      .flatMap((e) => (e.payload as { messageIds: number[] }).messageIds);
    expect(confirmed).toContain(ids[0]);
    expect(confirmed).toContain(ids[1]);

    const other = await secondClient(server);
    try {
      const state = await serverState(other);
      expect(state.INBOX?.map((m) => m.flags)).toEqual([['\\Seen'], ['\\Flagged'], []]);
    } finally {
      await other.logout();
    }
  });
});

/**
 * A POP3 account has no connection to lose between checks: its loop learns of an outage only from a check
 * that fails. From then on it must retry with the short backoff, as an IMAP loop does after losing IDLE, and
 * not wait the whole check interval (ten minutes here), however the failed check was started. And a Check
 * that works while a loop waits out a failure ends that wait: the server is back.
 */
describe('a watched account after its server was down', () => {
  let server: DovecotServer;
  let fx: WatchFixture;
  let n = 0;
  const tenMinutes = { ...testWatchTiming, checkIntervalMs: 600_000 };

  const has = (account: Account, messageId: string) => storedMessages(fx.db, account.id).some((m) => m.messageId === messageId && m.bodyStatus === 'full');
  /** Delivers a fresh message and waits (far less than the check interval) until the account has stored it. */
  const arrives = async (account: Account) => {
    const i = 95_000 + n++;
    await server.deliver('alice', corpusMessage(i));
    await eventually(() => has(account, `<msg-${i}@corpus.test>`), Boolean, 30_000);
  };
  /**
   * The status after a failed check says the loop retries soon: its next attempt, as announced, is within
   * the short backoff's cap of the announcement, not a check interval away.
   */
  const retryingSoon = (account: Account) =>
    eventually(
      () => fx.events.filter((e) => e.event === 'syncProgressed' && (e.payload as SyncStatus).accountId === account.id).at(-1),
      (e) => {
        const s = e?.payload as SyncStatus | undefined;
        return s?.phase === 'error' && s.nextAttemptAt !== null && Date.parse(s.nextAttemptAt) - e!.at <= testWatchTiming.retryMaxMs!;
      },
      30_000,
    );

  beforeAll(async () => {
    server = await startDovecot();
  });
  let down = false;
  const serverDown = async () => {
    await server.stop();
    down = true;
  };
  const serverBack = async () => {
    await server.start();
    down = false;
  };

  afterEach(async () => {
    await fx?.close();
    if (down) await serverBack();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('a Check that fails while the loop waits its interval: the loop retries with the backoff and fetches new mail once the server is back', async () => {
    fx = await watchFixture(server, tenMinutes);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'pop3' });
    await fx.command('startWatching', {});
    await eventually(() => fx.status(alice.id), (s) => s.lastSyncedAt !== null && s.nextAttemptAt !== null, 30_000);

    await serverDown();
    const [outcome] = (await fx.command('syncAccounts', { accountIds: [alice.id] })) as Array<{ ok: boolean }>;
    expect(outcome!.ok).toBe(false);
    await retryingSoon(alice);

    await serverBack();
    await arrives(alice);
    // Back to the regular interval after a success.
    const back = await eventually(() => fx.status(alice.id), (s) => s.phase === 'idle' && s.lastError === null && s.nextAttemptAt !== null, 30_000);
    expect(Date.parse(back.nextAttemptAt!) - Date.now()).toBeGreaterThan(testWatchTiming.retryMaxMs!);
  });

  it('an IMAP account waiting minutes before its retry is live again (IDLE) as soon as a Check works', async () => {
    fx = await watchFixture(server, { ...tenMinutes, retryBaseMs: 300_000, retryMaxMs: 600_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);

    await serverDown();
    // IDLE is lost; the retry is minutes away.
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'error' && s.nextAttemptAt !== null, 30_000);
    await serverBack();
    const [outcome] = (await fx.command('syncAccounts', { accountIds: [alice.id] })) as Array<{ ok: boolean }>;
    expect(outcome!.ok).toBe(true);
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);
    await arrives(alice);
  });

  it('a regular check that fails (the server down when the loop starts): retries with the backoff, then fetches new mail', async () => {
    fx = await watchFixture(server, tenMinutes);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'pop3' });
    await serverDown();
    await fx.command('startWatching', {});
    await retryingSoon(alice);
    await serverBack();
    await arrives(alice);
  });
});

describe('two accounts on one server after it was down', () => {
  let server: DovecotServer;
  let fx: WatchFixture | undefined;

  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }, { name: 'bob', password: 'bob-secret' }] });
  });
  afterAll(async () => {
    await fx?.close();
    await server?.destroy();
  });

  it('an account waiting minutes before its retry reconnects as soon as another account reaches the same server', async () => {
    // Backoffs of minutes: only the other account's success can bring alice back within the test.
    fx = await watchFixture(server, { ...testWatchTiming, checkIntervalMs: 600_000, retryBaseMs: 300_000, retryMaxMs: 600_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    const bob = await fx.addAccount({ user: 'bob', protocol: 'pop3' });
    await fx.command('startWatching', {});
    await eventually(() => fx!.status(alice.id), (s) => s.phase === 'watching', 30_000);
    await eventually(() => fx!.status(bob.id), (s) => s.lastSyncedAt !== null, 30_000);

    await server.stop();
    // alice's IDLE is lost and her retry is minutes away.
    await eventually(() => fx!.status(alice.id), (s) => s.phase === 'error' && s.nextAttemptAt !== null, 30_000);
    await server.start();
    // bob's check (his own loop's, or the user's) gets through: the server is back for alice too.
    const [outcome] = (await fx.command('syncAccounts', { accountIds: [bob.id] })) as Array<{ ok: boolean }>;
    expect(outcome!.ok).toBe(true);
    await eventually(() => fx!.status(alice.id), (s) => s.phase === 'watching', 20_000);
    await server.deliver('alice', corpusMessage(96_001));
    await eventually(() => storedMessages(fx!.db, alice.id).some((m) => m.messageId === '<msg-96001@corpus.test>'), Boolean, 20_000);
  });
});

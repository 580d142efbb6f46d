import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { SyncStatus } from '../../shared/contract/sync';
import { corpusMessage } from '../helpers/imap-corpus';
import { eventually, storedMessages } from '../helpers/imap-sync';
import { dovecotConnections, dovecotFailedLogins, dovecotLogins, testWatchTiming, type WatchFixture, watchFixture } from '../helpers/watch-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';

/**
 * The watch loop's paths that only a long-running app takes (issue 24, items 2 and 9, and "bad input"):
 * IDLE across its periodic re-issue, settings edited while the loop runs, a restart racing the old loop,
 * a wrong password or changed certificate inside the loop, a host refusing logins for a while, a server
 * that stops answering, and the network coming back. Real Dovecot, a fault proxy where a fault is needed,
 * test timings (watch-fixture.ts); every wait is for an event or a state, never a fixed time.
 */
describe('watch loop faults', () => {
  let server: DovecotServer;
  let proxy: FaultProxy;
  let fx: WatchFixture;
  let n = 0;

  const arrives = async (account: Account, user = 'alice') => {
    const i = 70_000 + n++;
    await server.deliver(user, corpusMessage(i));
    await eventually(() => storedMessages(fx.db, account.id).some((m) => m.messageId === `<msg-${i}@corpus.test>` && m.bodyStatus === 'full'), Boolean, 30_000);
  };
  const watching = (account: Account) => eventually(() => fx.status(account.id), (s) => s.phase === 'watching', 30_000);
  /** Status events of the account with the time each was sent, from `since` (an index into fx.events) on. */
  const statusLog = (account: Account, since = 0) =>
    fx.events
      .slice(since)
      .filter((e) => e.event === 'syncProgressed' && (e.payload as SyncStatus).accountId === account.id)
      .map((e) => ({ ...(e.payload as SyncStatus), at: e.at }));
  /** The failures of the account since `since`, each with how long the loop said it would wait after it. */
  const failures = (account: Account, code: string, since: number) => waitsAfter(statusLog(account, since).filter((s) => s.lastError?.code === code));

  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }] });
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
  });
  afterEach(async () => {
    await fx?.close();
    await server.setPassword('alice', 'alice-secret');
    proxy.heal();
    proxy.dropAll();
    await proxy.accept().catch(() => undefined); // already accepting unless the test refused

  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it('IDLE keeps delivering after it has been re-issued several times, on the same connection', async () => {
    fx = await watchFixture(server);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap', port: proxy.port });
    await fx.command('startWatching', {});
    await watching(alice);
    const accepted = proxy.accepted;
    // Each re-issue is DONE, NOOP, IDLE going up: wait for at least three of them.
    const marks = proxy.upMarks.length;
    await eventually(() => proxy.upMarks.length, (count) => count >= marks + 9);
    await arrives(alice);
    expect(proxy.accepted).toBe(accepted);
  });

  it('picks up settings edited while it runs: the next connection goes where the account now says', async () => {
    fx = await watchFixture(server);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap', port: proxy.port });
    await fx.command('startWatching', {});
    await watching(alice);
    // Another port: the stored password goes only where it was saved for, so the edit gives it again.
    const password = server.users.find((u) => u.name === 'alice')!.password;
    await fx.command('updateAccount', { id: alice.id, patch: { port: server.ports.imaps, password } });
    // The old address stops working altogether: only a loop that took the new port still gets mail.
    await proxy.refuse();
    await arrives(alice);
    await watching(alice);
    expect(await dovecotConnections(server, 'alice')).toBe(1);
  });

  it('never runs two loops (two connections) for one account when a restart overtakes the stop', async () => {
    fx = await watchFixture(server);
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap', port: proxy.port });
    await fx.command('startWatching', {});
    await watching(alice);
    const accepted = proxy.accepted;
    for (let i = 0; i < 3; i++) {
      // As a supervisor does when it stops and starts again without waiting for the stop.
      const stopped = fx.command('stopWatching', { accountIds: [alice.id] });
      await fx.command('startWatching', { accountIds: [alice.id] });
      await stopped;
      await eventually(() => fx.status(alice.id), (s) => s.watching && s.phase === 'watching', 30_000);
    }
    expect(fx.runtime.watchedAccounts()).toEqual([alice.id]);
    // Each loop connects twice (its pass, then its IDLE session), one after the other; a second loop
    // running beside the first would have added its own.
    expect(proxy.accepted - accepted).toBe(6);
    expect(proxy.openConnections).toBe(1);
    await eventually(() => dovecotConnections(server, 'alice'), (open) => open === 1);
    // Still one after IDLE was re-issued (a loop left behind would have reconnected by now).
    const marks = proxy.upMarks.length;
    await eventually(() => proxy.upMarks.length, (count) => count >= marks + 6);
    expect(await dovecotConnections(server, 'alice')).toBe(1);
    await arrives(alice);
  });

  it('a password that stops working inside the loop: backoff that doubles (no hammering), and at once when the user fixes it', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, needsUserMaxMs: 60_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await watching(alice);
    const since = fx.events.length;
    const failedBefore = await dovecotFailedLogins(server, 'alice');
    // Changed on the server (webmail, another device); the loop finds out when it reconnects.
    await server.setPassword('alice', 'changed-elsewhere-42');
    await fx.command('reconnectAccounts', { reason: 'network' });
    const waits = await eventually(() => failures(alice, 'AUTH_FAILED', since), (list) => list.length >= 3, 60_000);
    const interval = testWatchTiming.checkIntervalMs!;
    expect(waits[0]).toBeGreaterThanOrEqual(interval * 0.9 - 50);
    expect(waits[1]).toBeGreaterThanOrEqual(interval * 2 * 0.9 - 50);
    expect(waits[2]).toBeGreaterThanOrEqual(interval * 4 * 0.9 - 50);
    // One login per attempt, nothing hidden in between.
    expect((await dovecotFailedLogins(server, 'alice')) - failedBefore).toBe(failures(alice, 'AUTH_FAILED', since).length);
    expect(fx.status(alice.id).lastError).toMatchObject({ code: 'AUTH_FAILED' });

    const waitingUntil = Date.parse(fx.status(alice.id).nextAttemptAt!);
    await fx.command('updateAccount', { id: alice.id, patch: { password: 'changed-elsewhere-42' } });
    const live = await watching(alice);
    expect(Date.parse(live.lastSyncedAt!)).toBeLessThan(waitingUntil);
    await arrives(alice);
  });

  it('a password refused right after an outage waits one check interval, not one doubled by the outage\'s retries', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, needsUserMaxMs: 60_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap', port: proxy.port });
    await fx.command('startWatching', {});
    await watching(alice);
    const since = fx.events.length;
    // The host goes away and, when it is back, refuses the password (a lockout, a password changed meanwhile).
    await server.setPassword('alice', 'changed-elsewhere-43');
    await proxy.refuse();
    await eventually(() => statusLog(alice, since).filter((s) => s.lastError?.code === 'CONNECTION_REFUSED').length, (count) => count >= 3, 30_000);
    await proxy.accept();
    const [first] = await eventually(() => failures(alice, 'AUTH_FAILED', since), (list) => list.length >= 1, 30_000);
    // The first refusal of the password waits the check interval (jittered down to 0.9 of it), as documented.
    expect(first).toBeLessThanOrEqual(testWatchTiming.checkIntervalMs! + 100);
  });

  it('a certificate that changed inside the loop: waits without retrying fast, and reconnects once the new one is trusted', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, needsUserMaxMs: 60_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await watching(alice);
    const since = fx.events.length;
    // Another certificate to trust comes with the password typed again (the stored one goes only where it was saved for).
    const password = server.users.find((u) => u.name === 'alice')!.password;
    await fx.command('updateAccount', { id: alice.id, patch: { trustedFingerprint: 'ab'.repeat(32), password } });
    const waits = await eventually(() => failures(alice, 'TLS_CERT_CHANGED', since), (list) => list.length >= 2, 60_000);
    expect(waits[0]).toBeGreaterThanOrEqual(testWatchTiming.checkIntervalMs! * 0.9 - 50);
    expect(waits[1]).toBeGreaterThanOrEqual(testWatchTiming.checkIntervalMs! * 2 * 0.9 - 50);
    const waitingUntil = Date.parse(fx.status(alice.id).nextAttemptAt!);
    await fx.command('updateAccount', { id: alice.id, patch: { trustedFingerprint: server.certificate.fingerprint256, password } });
    const live = await watching(alice);
    expect(Date.parse(live.lastSyncedAt!)).toBeLessThan(waitingUntil);
  });

  it('a host refusing logins for a while (a lockout): backs off without hammering and recovers by itself', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, needsUserMaxMs: 6_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await watching(alice);
    const since = fx.events.length;
    const failedBefore = await dovecotFailedLogins(server, 'alice');
    await server.setPassword('alice', 'locked-out-for-now');
    await fx.command('reconnectAccounts', { reason: 'network' });
    await eventually(() => failures(alice, 'AUTH_FAILED', since), (list) => list.length >= 2, 60_000);
    await server.setPassword('alice', 'alice-secret');
    await watching(alice);
    const waits = failures(alice, 'AUTH_FAILED', since);
    expect((await dovecotFailedLogins(server, 'alice')) - failedBefore).toBe(waits.length);
    waits.forEach((wait, i) => expect(wait).toBeGreaterThanOrEqual(Math.min(6_000, testWatchTiming.checkIntervalMs! * 2 ** i) * 0.9 - 50));
    await arrives(alice);
  });

  it('a server that accepts the connection and then never answers: the NOOP times out, the status says so, and it reconnects', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, noopTimeoutMs: 1_500 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap', port: proxy.port });
    await fx.command('startWatching', {});
    await watching(alice);
    const since = fx.events.length;
    proxy.stallOpen();
    const stalled = await eventually(() => statusLog(alice, since), (list) => list.some((s) => s.lastError?.code === 'TIMEOUT'));
    expect(stalled.find((s) => s.lastError?.code === 'TIMEOUT')).toMatchObject({ phase: 'error', online: false });
    expect(stalled.find((s) => s.lastError?.code === 'TIMEOUT')?.offlineSince).not.toBeNull();
    await watching(alice);
    await arrives(alice);
  });

  it('reconnects at once when the network comes back, not at the end of a long backoff', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, retryBaseMs: 60_000, retryMaxMs: 120_000, checkIntervalMs: 600_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap', port: proxy.port });
    await fx.command('startWatching', {});
    await watching(alice);
    await proxy.refuse();
    const down = await eventually(() => fx.status(alice.id), (s) => s.offlineSince !== null && s.nextAttemptAt !== null, 30_000);
    const waitingUntil = Date.parse(down.nextAttemptAt!);
    expect(waitingUntil - Date.now()).toBeGreaterThan(20_000);
    await proxy.accept();
    await fx.command('reconnectAccounts', { reason: 'network' });
    const live = await watching(alice);
    expect(Date.parse(live.lastSyncedAt!)).toBeLessThan(waitingUntil);
    await arrives(alice);
  });
});

describe('the first retries after an outage', () => {
  let server: DovecotServer;
  let fx: WatchFixture;

  beforeAll(async () => {
    server = await startDovecot();
  });
  afterAll(async () => {
    await fx?.close();
    await server?.destroy();
  });

  it('come within seconds, grow with jitter, and stop at the cap; the loop is back as soon as the server is', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, retryBaseMs: 100, retryMaxMs: 800, checkIntervalMs: 60_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);
    const since = fx.events.length;
    const loginsBefore = await dovecotLogins(server, 'alice');
    await server.stop();
    const waits = await eventually(
      () => waitsAfter(fx.events.slice(since).map((e) => ({ ...(e.payload as SyncStatus), at: e.at })).filter((s) => s.offlineSince !== null)),
      (list) => list.length >= 6,
      30_000,
    );
    // Doubling from 50–100 ms to at most 800 ms: the first retry within a tenth of a second here (2 s in the app).
    expect(waits[0]).toBeLessThanOrEqual(100 + 20);
    expect(Math.max(...waits)).toBeLessThanOrEqual(800 + 20);
    expect(waits.slice(-2).every((w) => w >= 400 - 20)).toBe(true);
    await server.start();
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);
    expect(await dovecotLogins(server, 'alice')).toBeGreaterThan(loginsBefore);
  });
});

/**
 * How long the loop said it would wait after each failure: the status it sent when it began to wait
 * (one per wait; a status sent again for another reason repeats the same `nextAttemptAt`).
 */
function waitsAfter(statuses: Array<SyncStatus & { at: number }>): number[] {
  const seen = new Set<string>();
  const waits: number[] = [];
  for (const s of statuses) {
    if (s.nextAttemptAt === null || seen.has(s.nextAttemptAt)) continue;
    seen.add(s.nextAttemptAt);
    waits.push(Date.parse(s.nextAttemptAt) - s.at);
  }
  return waits;
}

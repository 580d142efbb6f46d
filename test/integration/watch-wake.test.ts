import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { corpusMessage } from '../helpers/imap-corpus';
import { eventually, storedMessages } from '../helpers/imap-sync';
import { dovecotConnections, testWatchTiming, type WatchFixture, watchFixture } from '../helpers/watch-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';

/**
 * A laptop that slept (or a `homing sync --watch` that was SIGSTOPped) with its IDLE connection open: the
 * sleep killed the connection without a word (a NAT or Wi-Fi drop sends no FIN), and Node's timers run on
 * the monotonic clock, so the NOOP check came up to 4 minutes after the wake-up, plus its 30 s timeout.
 * Meanwhile new mail waited and the status said "Live". The app hears the system's resume event; the CLI
 * and dev:web heard nothing. Now the runtime notices the wall clock jumped and reconnects every account.
 * Real Dovecot; the dead connection is a fault proxy that stops forwarding on the open connection; the
 * sleep is the wall clock moved forward by ten minutes (Date.now, as after a suspend), with the app's own
 * IDLE check and NOOP timeout.
 */
describe('after a sleep the watch reconnects at once', () => {
  let server: DovecotServer;
  let proxy: FaultProxy;
  let fx: WatchFixture;
  const realNow = Date.now;

  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }] });
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
  });
  afterEach(async () => {
    Date.now = realNow;
    await fx?.close();
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it('its IDLE connection died during the sleep: a new connection within seconds of the wake-up, the dead one dropped, new mail in', async () => {
    fx = await watchFixture(server, {
      ...testWatchTiming,
      checkIntervalMs: 600_000,
      idleCheckMs: 240_000,
      noopTimeoutMs: 30_000,
      wakeTickMs: 250,
      wakeSlackMs: 5_000,
    });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap', port: proxy.port });
    await fx.command('startWatching', {});
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);
    // The sleep: the open connection goes silent; new connections work again after the wake-up.
    proxy.stallOpen();
    await server.deliver('alice', corpusMessage(81_000));
    // The wall clock jumps ten minutes, as across a suspend.
    const acceptedBefore = proxy.accepted;
    const since = fx.statuses(alice.id).length;
    Date.now = () => realNow() + 10 * 60_000;
    const woke = realNow();
    await eventually(() => fx.statuses(alice.id).slice(since), (list) => list.some((s) => s.phase === 'connecting') && list.at(-1)?.phase === 'watching', 20_000);
    // A new connection within seconds of the wake-up, not at the NOOP check minutes later.
    expect(realNow() - woke).toBeLessThan(20_000);
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
    // The mail that came during the sleep is there (the clock back first: a pass ten minutes ahead of the
    // server is not this test's business).
    Date.now = realNow;
    await eventually(() => storedMessages(fx.db, alice.id).some((m) => m.messageId === '<msg-81000@corpus.test>'), Boolean, 20_000);
    // The dead connection is dropped by the client, not left open beside the new one.
    await eventually(() => dovecotConnections(server, 'alice'), (n) => n === 1, 15_000);
  });

  it('a loaded machine’s short pauses are not a sleep: no reconnect', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, checkIntervalMs: 600_000, idleCheckMs: 240_000, wakeTickMs: 250, wakeSlackMs: 5_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);
    const connected = fx.statuses(alice.id).filter((s) => s.phase === 'connecting').length;
    // A 2 s stall of the event loop (well under the slack).
    const until = realNow() + 2_000;
    while (realNow() < until) {
      /* busy */
    }
    await new Promise((r) => setTimeout(r, 1_500));
    expect(fx.statuses(alice.id).filter((s) => s.phase === 'connecting').length).toBe(connected);
  });
  it('one wake-up told twice (the system’s resume event and the wake detector) reconnects once; a network change still reconnects', async () => {
    fx = await watchFixture(server, { ...testWatchTiming, checkIntervalMs: 600_000, idleCheckMs: 240_000, wakeTickMs: 250, wakeSlackMs: 5_000 });
    const alice = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);
    // A reconnect starts a full pass (its folder listing), then the watch session.
    const passes = (list = fx.statuses(alice.id)) => list.filter((s) => s.phase === 'folders').length;
    const before = passes();
    Date.now = () => realNow() + 10 * 60_000;
    await eventually(() => fx.statuses(alice.id), (list) => passes(list) === before + 1 && list.at(-1)?.phase === 'watching', 20_000);
    // The app's resume event, seconds after the detector noticed the same wake-up: nothing more.
    await fx.command('reconnectAccounts', { reason: 'resume' });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(passes()).toBe(before + 1);
    expect(fx.status(alice.id).phase).toBe('watching');
    // The network coming back is news of its own.
    await fx.command('reconnectAccounts', { reason: 'network' });
    await eventually(() => fx.statuses(alice.id), (list) => passes(list) === before + 2 && list.at(-1)?.phase === 'watching', 20_000);
  });
});

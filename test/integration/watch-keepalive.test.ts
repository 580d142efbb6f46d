import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { SyncStatus } from '../../shared/contract/sync';
import { imapConnectionLimits } from '../../electron/protocols/imap/limits';
import { corpusMessage } from '../helpers/imap-corpus';
import { eventually, storedMessages } from '../helpers/imap-sync';
import { dovecotLogins, testWatchTiming, type WatchFixture, watchFixture } from '../helpers/watch-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * IDLE with the app's own proportions: the socket's inactivity timeout (60 s) is shorter than the IDLE
 * check (4 minutes). Found by leaving the app watching: every quiet minute imapflow's keepalive NOOP ended
 * IDLE, which nothing started again (the loop still waited for its check), so new mail was not pushed, and
 * the next quiet minute timed the connection out: every account reconnected every two minutes, went
 * "offline" for a moment, and mail waited up to a minute while the sidebar said "Live". Scaled down here
 * (a 2-second socket timeout, a check every minute); the waits are for the keepalive NOOPs themselves.
 */
describe('IDLE across the connection’s keepalive', () => {
  let server: DovecotServer;
  let fx: WatchFixture;
  const socketTimeout = imapConnectionLimits.socketTimeoutMs;

  beforeAll(async () => {
    server = await startDovecot();
    (imapConnectionLimits as { socketTimeoutMs: number }).socketTimeoutMs = 2_000;
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await fx?.close();
  });
  afterAll(async () => {
    (imapConnectionLimits as { socketTimeoutMs: number }).socketTimeoutMs = socketTimeout;
    await server?.destroy();
  });

  it('goes back to IDLE after each keepalive: the same connection, no error, and new mail pushed', async () => {
    // run() is imapflow's one way to send a command (not in its types): every NOOP passes through it.
    type Runs = { run(command: string, ...args: unknown[]): Promise<unknown> };
    const proto = ImapFlow.prototype as unknown as Runs;
    const run = proto.run;
    let noops = 0;
    vi.spyOn(proto, 'run').mockImplementation(function (this: Runs, command: string, ...args: unknown[]) {
      if (command === 'NOOP') noops++;
      return run.call(this, command, ...args);
    });
    fx = await watchFixture(server, { ...testWatchTiming, idleCheckMs: 60_000, checkIntervalMs: 120_000 });
    const alice: Account = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);
    const logins = await dovecotLogins(server, 'alice');
    const from = fx.events.length;

    // Three quiet spells in a row, each ended by imapflow's keepalive NOOP (the loop's own check is a minute away).
    const start = noops;
    await eventually(() => noops, (n) => n >= start + 3, 30_000);
    await server.deliver('alice', corpusMessage(1));
    await eventually(() => storedMessages(fx.db, alice.id).some((m) => m.messageId === '<msg-1@corpus.test>'), Boolean, 10_000);

    const statuses = fx.events.slice(from).filter((e) => e.event === 'syncProgressed').map((e) => e.payload as SyncStatus);
    expect(statuses.filter((s) => s.accountId === alice.id && (s.phase === 'error' || s.lastError !== null))).toEqual([]);
    expect(await dovecotLogins(server, 'alice')).toBe(logins);
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { imapLimits } from '../../electron/sync/imap/limits';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';
import { disposeStore, imapPass } from '../helpers/fault-sync';
import { deliverMany, eventually, imapFixture, secondClient, serverState, storedMessages, storeState, type MailboxState } from '../helpers/imap-sync';
import { corpusMessage } from '../helpers/imap-corpus';

/**
 * A folder with many new messages has its bodies fetched on a second connection while its headers still
 * arrive on the first (electron/sync/imap/bodies-alongside.ts). With the limits made tiny, 40 messages are
 * many header batches and body pages. Whatever happens to the second connection (refused, cut), the pass
 * must end with every message stored once, whole, as the server has it; a pass that fails leaves nothing
 * of the second connection behind.
 */
const SMALL: Partial<Record<keyof typeof imapLimits, number>> = {
  firstHeaderBatch: 2,
  headerBatch: 3,
  bodyRowsPage: 4,
  bodyBatch: 2,
  bodyCommitEvery: 2,
  bodiesAlongsideFrom: 10,
  // corpusMessage(i) with i % 8 === 7 is the largest kind: streamed to a file.
  streamThresholdBytes: 1500,
};
const COUNT = 40;

describe('IMAP bodies fetched beside the header phase', () => {
  let server: DovecotServer;
  let proxy: FaultProxy;
  let expected: MailboxState;
  const saved: Record<string, number> = {};
  const limits = imapLimits as unknown as Record<string, number>;
  const fixtures: Array<Parameters<typeof disposeStore>[0]> = [];

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(
      server,
      'alice',
      Array.from({ length: COUNT }, (_, i) => ({ raw: corpusMessage(i), flags: i % 3 === 0 ? ['\\Seen'] : i % 4 === 0 ? ['\\Flagged'] : [] })),
    );
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
    const other = await secondClient(server);
    try {
      expected = await serverState(other);
    } finally {
      await other.logout();
    }
    expect(expected.INBOX).toHaveLength(COUNT);
  });
  afterAll(async () => {
    for (const fx of fixtures) disposeStore(fx);
    await proxy?.close();
    await server?.destroy();
  });
  beforeEach(() => {
    for (const [key, value] of Object.entries(SMALL)) {
      saved[key] = limits[key]!;
      limits[key] = value;
    }
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) limits[key] = value;
    proxy.heal();
  });

  async function fixture() {
    const fx = await imapFixture(server, { port: proxy.port });
    fixtures.push(fx);
    return fx;
  }

  it('bodies are committed while headers still arrive, on a second connection; the store is the server', async () => {
    const fx = await fixture();
    const before = proxy.accepted;
    // The first connection (headers) slowed, so the header phase lasts long enough to be overtaken here.
    proxy.inject({ kind: 'throttle', bytesPerSecond: 64 * 1024 }, 1);
    // Rows with their body each time the header phase reports a batch before its last.
    const fullDuringHeaders: number[] = [];
    const outcome = await imapPass(fx, {
      onProgress: (update) => {
        if (update.phase === 'headers' && (update.done ?? 0) > 0 && (update.done ?? 0) < (update.total ?? 0)) {
          fullDuringHeaders.push(storedMessages(fx.db, fx.account.id).filter((m) => m.bodyStatus === 'full').length);
        }
      },
    });
    expect(outcome.error).toBeNull();
    expect(outcome.added).toBe(COUNT);
    expect(proxy.accepted - before).toBe(2);
    expect(Math.max(...fullDuringHeaders)).toBeGreaterThan(0);
    // Nothing of the second connection outlives the pass.
    expect(await eventually(() => proxy.openConnections, (n) => n === 0, 2_000)).toBe(0);
    expect(storedMessages(fx.db, fx.account.id).every((m) => m.bodyStatus === 'full')).toBe(true);
    expect(storeState(fx.db, fx.account.id)).toEqual(expected);
    const again = await imapPass(fx);
    expect(again.added).toBe(0);
    expect(storeState(fx.db, fx.account.id)).toEqual(expected);
  });

  it.each([2_500, 6_000, 12_000, 30_000])('the second connection cut after %i bytes: the pass still stores every message once', async (afterBytes) => {
    const fx = await fixture();
    proxy.inject({ kind: 'pass' }, 1);
    proxy.inject({ kind: 'cut', afterBytes, reset: afterBytes % 2 === 0 }, 1);
    const outcome = await imapPass(fx);
    expect(outcome.error).toBeNull();
    expect(outcome.added).toBe(COUNT);
    expect(storedMessages(fx.db, fx.account.id).every((m) => m.bodyStatus === 'full')).toBe(true);
    expect(storeState(fx.db, fx.account.id)).toEqual(expected);
  });

  it('the pass cut while both connections are open: it fails, nothing is written after it ends, and the next pass completes the store', async () => {
    const fx = await fixture();
    let reports = 0;
    const outcome = await imapPass(fx, {
      onProgress: (update) => {
        if (update.phase === 'headers' && ++reports === 6) proxy.dropAll();
      },
    });
    expect(outcome.error?.code).toMatch(/^(CONNECTION_LOST|TLS_FAILED|TIMEOUT)$/);
    expect(await eventually(() => proxy.openConnections, (n) => n === 0, 2_000)).toBe(0);
    const changes = fx.db.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number };
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fx.db.sqlite.prepare('SELECT total_changes() AS n').get()).toEqual(changes);
    const rerun = await imapPass(fx);
    expect(rerun.error).toBeNull();
    expect(storeState(fx.db, fx.account.id)).toEqual(expected);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncOutcome } from '../../shared/contract/sync';
import { toErrorData } from '../../shared/errors';
import type { ProgressUpdate } from '../../electron/sync/engine';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';
import { faultMailbox } from '../helpers/fault-mailbox';
import { crashDovecot } from '../helpers/dovecot-crash';
import { disposeStore, imapPass } from '../helpers/fault-sync';
import { deliverMany, imapFixture } from '../helpers/imap-sync';
import { deliverMany as deliverToInbox, pop3Fixture, type Pop3Fixture } from '../helpers/pop3-fixture';
import { seededRandom } from '../helpers/seeded-random';
import { duplicatesIn, storeDump } from '../helpers/store-dump';

/**
 * Dovecot killed while a sync is under way (SIGKILL to all its processes: the connection drops
 * mid-command; a graceful `stop()` lets sessions finish and proves less), then started again: the pass ends with a clear network error (no hang, no INTERNAL), a pass while it is down fails
 * with CONNECTION_REFUSED, and the rerun after the restart ends with the store an undisturbed sync gives.
 * The connection is throttled (a proxy at 128 KB/s) so that the stop lands mid-sync on any machine.
 */

const NETWORK_CODES = /^(CONNECTION_LOST|TIMEOUT)$/;
const POP3_TIMEOUTS = { connectMs: 10_000, commandMs: 10_000, authMs: 10_000, transferIdleMs: 10_000, quitMs: 10_000 };

describe('Dovecot restarted mid-sync', () => {
  let server: DovecotServer;
  let imapProxy: FaultProxy;
  let pop3Proxy: FaultProxy;

  beforeAll(async () => {
    server = await startDovecot({
      users: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'bob', password: 'bob-secret' },
      ],
    });
    await deliverMany(server, 'alice', faultMailbox({ folders: true }));
    deliverToInbox(server, 'bob', faultMailbox({ folders: false }).map((m) => m.raw));
    imapProxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
    pop3Proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.pop3s });
  });
  afterAll(async () => {
    await imapProxy?.close();
    await pop3Proxy?.close();
    await server?.destroy();
  });

  it('IMAP: killed in a random phase of the sync, started again: clean error, then the undisturbed store', async () => {
    const reference = await imapFixture(server, { port: imapProxy.port });
    expect((await imapPass(reference)).error).toBeNull();
    const expected = storeDump(reference.db, reference.account.id);
    disposeStore(reference);

    const random = seededRandom();
    const phase = random.pick(['folders', 'headers', 'bodies'] as const);
    const fx = await imapFixture(server, { port: imapProxy.port });
    let stopping: Promise<void> | null = null as Promise<void> | null;
    try {
      imapProxy.inject({ kind: 'throttle', bytesPerSecond: 128 * 1024 });
      const cut = await imapPass(fx, {
        onProgress: (update) => {
          if (update.phase === phase && !stopping) stopping = crashDovecot(server);
        },
      });
      imapProxy.heal();
      expect(stopping, `the sync reached ${phase}`).not.toBeNull();
      await stopping;
      expect(cut.error?.code, cut.error?.message).toMatch(NETWORK_CODES);
      // Through the proxy a refused connection arrives as a reset one.
      const down = await imapPass(fx);
      expect(down.error?.code).toMatch(/^(CONNECTION_REFUSED|CONNECTION_LOST)$/);
      await server.start();
      stopping = null;
      const rerun = await imapPass(fx);
      expect(rerun.error).toBeNull();
      const dump = storeDump(fx.db, fx.account.id);
      expect(duplicatesIn(dump)).toEqual([]);
      expect(dump).toEqual(expected);
      console.log(`IMAP restart (seed ${random.seed}): Dovecot killed in phase ${phase}, pass ended ${cut.error!.code}, while down ${down.error!.code}, rerun ok; ${dump.length} messages checked`);
    } finally {
      imapProxy.heal();
      if (stopping) await server.start();
      disposeStore(fx);
    }
  });

  it('IMAP: stopped gracefully (stop/start) while syncing: the pass ends cleanly either way, then the undisturbed store', async () => {
    const reference = await imapFixture(server, { port: imapProxy.port });
    expect((await imapPass(reference)).error).toBeNull();
    const expected = storeDump(reference.db, reference.account.id);
    disposeStore(reference);

    const fx = await imapFixture(server, { port: imapProxy.port });
    let stopping: Promise<void> | null = null as Promise<void> | null;
    try {
      imapProxy.inject({ kind: 'throttle', bytesPerSecond: 128 * 1024 });
      const during = await imapPass(fx, {
        onProgress: (update) => {
          if (update.phase === 'headers' && !stopping) stopping = server.stop();
        },
      });
      imapProxy.heal();
      expect(stopping, 'the sync reached headers').not.toBeNull();
      await stopping;
      // Dovecot's master lets running sessions finish their commands (its SIGTERM waits for them): the pass
      // may complete, or end with a network error when its next command finds the server gone.
      if (during.error) expect(during.error.code, during.error.message).toMatch(NETWORK_CODES);
      await server.start();
      stopping = null;
      expect((await imapPass(fx)).error).toBeNull();
      const dump = storeDump(fx.db, fx.account.id);
      expect(duplicatesIn(dump)).toEqual([]);
      expect(dump).toEqual(expected);
      console.log(`IMAP graceful restart: Dovecot stopped during headers, pass ended ${during.error?.code ?? 'ok'}, rerun ok; ${dump.length} messages checked`);
    } finally {
      imapProxy.heal();
      if (stopping) await server.start();
      disposeStore(fx);
    }
  });

  it('POP3: killed while downloading, started again: clean error, then the undisturbed store', async () => {
    const fixture = () =>
      pop3Fixture({
        port: pop3Proxy.port,
        security: 'tls',
        user: 'bob',
        password: 'bob-secret',
        trustedFingerprint: server.certificate.fingerprint256,
        engine: { timeouts: POP3_TIMEOUTS },
      });
    const pass = async (fx: Pop3Fixture, onProgress?: (update: ProgressUpdate) => void): Promise<SyncOutcome> => {
      const base = fx.context();
      try {
        const result = await fx.engine.syncOnce({ ...base, progress: (u) => (onProgress?.(u), base.progress(u)) });
        return { accountId: fx.account.id, ok: true, error: null, added: result.added, folderErrors: [] };
      } catch (error) {
        const data = toErrorData(error);
        return { accountId: fx.account.id, ok: false, error: { code: data.code, message: data.message }, added: 0, folderErrors: [] };
      }
    };
    const reference = await fixture();
    expect((await pass(reference)).error).toBeNull();
    const expected = storeDump(reference.db, reference.account.id);
    disposeStore(reference);

    const fx = await fixture();
    let stopping: Promise<void> | null = null as Promise<void> | null;
    try {
      pop3Proxy.inject({ kind: 'throttle', bytesPerSecond: 128 * 1024 });
      const cut = await pass(fx, (update) => {
        if (update.phase === 'bodies' && (update.done ?? 0) > 0 && !stopping) stopping = crashDovecot(server);
      });
      pop3Proxy.heal();
      expect(stopping, 'the sync reached the download').not.toBeNull();
      await stopping;
      expect(cut.error?.code, cut.error?.message).toMatch(NETWORK_CODES);
      const stored = storeDump(fx.db, fx.account.id).length;
      const down = await pass(fx);
      expect(down.error?.code).toMatch(/^(CONNECTION_REFUSED|CONNECTION_LOST)$/);
      await server.start();
      stopping = null;
      expect((await pass(fx)).error).toBeNull();
      const dump = storeDump(fx.db, fx.account.id);
      expect(duplicatesIn(dump)).toEqual([]);
      expect(dump).toEqual(expected);
      console.log(`POP3 restart: Dovecot killed after ${stored} of ${expected.length} messages were stored, pass ended ${cut.error!.code}, while down ${down.error!.code}, rerun ok; ${dump.length} messages checked`);
    } finally {
      pop3Proxy.heal();
      if (stopping) await server.start();
      disposeStore(fx);
    }
  });
});

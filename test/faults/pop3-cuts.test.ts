import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncOutcome } from '../../shared/contract/sync';
import { toErrorData } from '../../shared/errors';
import type { AccountSettings } from '../../shared/contract/accounts';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';
import { faultMailbox } from '../helpers/fault-mailbox';
import { type ByteMap, byteRecorder, cutOffsets, disposeStore, phaseAt } from '../helpers/fault-sync';
import { deliverMany, maildirFiles, pop3Fixture, type Pop3Fixture } from '../helpers/pop3-fixture';
import type { ProgressUpdate } from '../../electron/sync/engine';
import { seededRandom } from '../helpers/seeded-random';
import { duplicatesIn, type DumpRow, storeDump } from '../helpers/store-dump';

/**
 * POP3 through a TCP proxy that cuts the connection (FIN or RST) at random byte offsets of an undisturbed
 * sync, stalls it, or throttles it. After each fault a rerun without faults must end with exactly the
 * store an undisturbed sync gives (UIDLs, flags, raw bytes), nothing doubled. One cut in five runs with
 * "delete right after download" on a fresh maildrop: a cut anywhere (during DELE, during QUIT) may leave
 * mail on the server or delete it, but after the rerun every message is in the store once and the
 * server is empty. (SIGKILL of the sync process with that policy: test/integration/pop3-crash.test.ts.)
 */

const CUTS = 50;
const NETWORK_CODES = /^(CONNECTION_LOST|TLS_FAILED|TIMEOUT)$/;
const mailbox = faultMailbox({ folders: false });
const raws = mailbox.map((m) => m.raw);
/** Short client timeouts: a stalled connection fails in about a second (production waits a minute or two). */
const SHORT = { connectMs: 5000, commandMs: 1500, authMs: 1500, transferIdleMs: 1500, quitMs: 1500 };
const RELAXED = { connectMs: 10_000, commandMs: 10_000, authMs: 10_000, transferIdleMs: 10_000, quitMs: 10_000 };

/** Without the sync key (a maildrop delivered again has new UIDLs): what must match for "delete after download". */
const withoutKeys = (dump: DumpRow[]) => dump.map(({ uidl: _uidl, ...rest }) => rest).sort((a, b) => a.sha256.localeCompare(b.sha256));

describe('POP3 faults: cuts, stalls and throttling between Homing and Dovecot', () => {
  let server: DovecotServer;
  let proxy: FaultProxy;
  let expected: DumpRow[];
  let bytes: ByteMap;
  /** The bytes of an undisturbed sync that deletes after download (DELE and QUIT at its end). */
  let deletingBytes: ByteMap;
  let quitAnswerAt: number;

  const fixture = (user: 'alice' | 'bob', timeouts = RELAXED, settings: Partial<AccountSettings> = {}) =>
    pop3Fixture({
      port: proxy.port,
      security: 'tls',
      user,
      password: `${user}-secret`,
      trustedFingerprint: server.certificate.fingerprint256,
      engine: { timeouts },
      settings,
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

  /** bob's maildrop afresh: everything in the mailbox, nothing else (new UIDLs each time). */
  const refillBob = () => {
    const root = server.maildir('bob');
    for (const sub of ['cur', 'new']) rmSync(join(root, sub), { recursive: true, force: true });
    deliverMany(server, 'bob', raws);
  };

  beforeAll(async () => {
    server = await startDovecot({
      users: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'bob', password: 'bob-secret' },
      ],
    });
    deliverMany(server, 'alice', raws);
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.pop3s });
    const reference = await fixture('alice');
    const recorder = byteRecorder(proxy);
    const outcome = await pass(reference, recorder.onProgress);
    expect(outcome.error).toBeNull();
    bytes = recorder.finish();
    expected = storeDump(reference.db, reference.account.id);
    disposeStore(reference);
    refillBob();
    const deleting = await fixture('bob', RELAXED, { pop3Delete: { kind: 'after-download' } });
    const deletingRecorder = byteRecorder(proxy);
    expect((await pass(deleting, deletingRecorder.onProgress)).error).toBeNull();
    deletingBytes = deletingRecorder.finish();
    // QUIT is the client's last command: its answer starts at the server byte count when QUIT went up.
    quitAnswerAt = proxy.upMarks.at(-1)!;
    expect(maildirFiles(server.maildir('bob'))).toEqual([]);
    disposeStore(deleting);
    expect(deletingBytes.marks.map((m) => m.phase)).toContain('actions');
    expect(expected).toHaveLength(raws.length);
    expect(duplicatesIn(expected)).toEqual([]);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it(`cut at ${CUTS} random byte offsets (FIN and RST; one in five deleting after download): every rerun gives the undisturbed store`, async () => {
    const random = seededRandom();
    // Four in five cuts leave mail on the server, spread over a plain sync's bytes; one in five delete
    // after download, half of those spread over such a sync and half in its end (DELE answers, QUIT).
    const deletingCuts = CUTS / 5;
    const offsets = cutOffsets(bytes, CUTS - deletingCuts, random.next);
    const tail = deletingBytes.marks.find((m) => m.phase === 'actions')!.at;
    const deletingOffsets = [
      ...cutOffsets(deletingBytes, deletingCuts / 2, random.next),
      ...Array.from({ length: deletingCuts / 2 - 2 }, () => random.int(tail, deletingBytes.total)),
      // Inside QUIT's answer ("+OK Logging out.", about 40 bytes in TLS 1.3): the server has deleted, the client never hears it.
      ...Array.from({ length: 2 }, () => random.int(quitAnswerAt, Math.min(quitAnswerAt + 30, deletingBytes.total))),
    ];
    const deletingLog: string[] = [];
    const byPhase: Record<string, number> = {};
    const codes: Record<string, number> = {};
    let resets = 0;
    let checked = 0;
    let deleting = 0;
    let deletedByCutPass = 0;
    for (let k = 0; k < CUTS; k++) {
      const reset = random.next() < 0.5;
      const afterDownload = k % 5 === 4;
      const map = afterDownload ? deletingBytes : bytes;
      const afterBytes = afterDownload ? deletingOffsets[(k - 4) / 5]! : offsets[k - Math.floor(k / 5)]!;
      if (reset) resets++;
      const phase = `${phaseAt(map, afterBytes)}${afterDownload ? ' (deleting)' : ''}`;
      byPhase[phase] = (byPhase[phase] ?? 0) + 1;
      const label = `cut ${k} at byte ${afterBytes}/${map.total} (${phase}, ${reset ? 'RST' : 'FIN'}, seed ${random.seed})`;
      if (afterDownload) {
        deleting++;
        refillBob();
      }
      const fx = await fixture(afterDownload ? 'bob' : 'alice', RELAXED, afterDownload ? { pop3Delete: { kind: 'after-download' } } : {});
      try {
        proxy.inject({ kind: 'cut', afterBytes, reset }, 1);
        const first = await pass(fx);
        proxy.heal();
        if (first.error) expect(first.error.code, `${label}: ${first.error.message}`).toMatch(NETWORK_CODES);
        codes[first.error?.code ?? 'ok'] = (codes[first.error?.code ?? 'ok'] ?? 0) + 1;
        if (afterDownload) {
          const gone = raws.length - maildirFiles(server.maildir('bob')).length;
          deletedByCutPass += gone;
          deletingLog.push(`${afterBytes}/${map.total} ${first.error?.code ?? 'ok'} ${gone} deleted`);
        }
        const rerun = await pass(fx);
        expect(rerun.error, label).toBeNull();
        const dump = storeDump(fx.db, fx.account.id);
        expect(duplicatesIn(dump), label).toEqual([]);
        if (afterDownload) {
          expect(withoutKeys(dump), label).toEqual(withoutKeys(expected));
          expect(maildirFiles(server.maildir('bob')), `${label}: left on the server`).toEqual([]);
        } else {
          expect(dump, label).toEqual(expected);
        }
        checked += dump.length;
      } finally {
        proxy.heal();
        disposeStore(fx);
      }
    }
    console.log(
      `POP3 cuts (seed ${random.seed}): ${CUTS} cuts over ${bytes.total} bytes (${resets} RST, ${CUTS - resets} FIN, ${deleting} deleting after download, ` +
        `${deletedByCutPass} messages deleted by the cut passes); by phase ${JSON.stringify(byPhase)}; cut pass ended ${JSON.stringify(codes)}; ` +
        `${checked} messages checked after reruns; deleting cuts: ${deletingLog.join(', ')}`,
    );
    expect(Object.keys(byPhase)).toEqual(expect.arrayContaining(['login', 'headers', 'bodies', 'actions (deleting)']));
  });

  it('stalls (the server stops answering): the pass fails with TIMEOUT, the rerun gives the undisturbed store', async () => {
    const random = seededRandom();
    const results: string[] = [];
    for (const phase of ['login', 'headers', 'bodies']) {
      const from = phase === 'login' ? 0 : bytes.marks.find((m) => m.phase === phase)!.at;
      const next = bytes.marks.find((m) => m.at > from && m.phase !== phase)?.at ?? bytes.total;
      const afterBytes = random.int(from, next);
      const fx = await fixture('alice', SHORT);
      try {
        proxy.inject({ kind: 'stall', afterBytes }, 1);
        const first = await pass(fx);
        proxy.heal();
        expect(first.error?.code, `${phase} stall at byte ${afterBytes}`).toBe('TIMEOUT');
        expect((await pass(fx)).error).toBeNull();
        expect(storeDump(fx.db, fx.account.id)).toEqual(expected);
      } finally {
        proxy.heal();
        disposeStore(fx);
      }
      results.push(`${phase}@${afterBytes}`);
    }
    console.log(`POP3 stalls (seed ${random.seed}): ${results.length} stalls (${results.join(', ')}), each TIMEOUT, then the undisturbed store`);
  });

  it('a throttled connection (256 KB/s) syncs to the undisturbed store', async () => {
    const fx = await fixture('alice');
    try {
      proxy.inject({ kind: 'throttle', bytesPerSecond: 256 * 1024 }, 1);
      expect((await pass(fx)).error).toBeNull();
      expect(storeDump(fx.db, fx.account.id)).toEqual(expected);
    } finally {
      proxy.heal();
      disposeStore(fx);
    }
    console.log(`POP3 throttle: ${bytes.total} bytes at 256 KB/s, ${raws.length} messages checked`);
  });
});

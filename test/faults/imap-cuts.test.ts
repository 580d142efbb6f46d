import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';
import { faultMailbox } from '../helpers/fault-mailbox';
import { type ByteMap, byteRecorder, cutOffsets, disposeStore, imapPass, phaseAt } from '../helpers/fault-sync';
import { deliverMany, imapFixture, type ImapFixture } from '../helpers/imap-sync';
import { seededRandom } from '../helpers/seeded-random';
import { duplicatesIn, type DumpRow, storeDump } from '../helpers/store-dump';

/**
 * IMAP through a TCP proxy that cuts the connection (FIN or RST) at random byte offsets of an undisturbed
 * sync, stalls it, or throttles it. After each fault a rerun without faults must end with exactly the
 * store an undisturbed sync gives: same folders, UIDs, flags and raw bytes, nothing doubled.
 * Scope: test/integration/imap-fault.test.ts checks four fixed cut points on a bigger mailbox; this one
 * spreads 50 seeded random cuts over a small one.
 */

const CUTS = 50;
const NETWORK_CODES = /^(CONNECTION_LOST|TLS_FAILED|TIMEOUT)$/;

describe('IMAP faults: cuts, stalls and throttling between Homing and Dovecot', () => {
  let server: DovecotServer;
  let proxy: FaultProxy;
  let reference: ImapFixture;
  let expected: DumpRow[];
  let bytes: ByteMap;

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(server, 'alice', faultMailbox({ folders: true }));
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
    // The undisturbed sync, through the same proxy: the store to compare with and the bytes a pass moves.
    reference = await imapFixture(server, { port: proxy.port });
    const recorder = byteRecorder(proxy);
    const outcome = await imapPass(reference, { onProgress: recorder.onProgress });
    expect(outcome.error).toBeNull();
    bytes = recorder.finish();
    expected = storeDump(reference.db, reference.account.id);
    expect(expected.length).toBe(faultMailbox({ folders: true }).length);
    expect(duplicatesIn(expected)).toEqual([]);
  });
  afterAll(async () => {
    if (reference) disposeStore(reference);
    await proxy?.close();
    await server?.destroy();
  });

  /** A fresh store, one faulty pass, then passes without faults until one succeeds (at most two). */
  async function faultThenRerun(fault: () => void, timeouts?: { socketMs?: number; greetingMs?: number }) {
    const fx = await imapFixture(server, { port: proxy.port });
    try {
      fault();
      const first = await imapPass(fx, timeouts ? { timeouts } : {});
      proxy.heal();
      const rerun = await imapPass(fx);
      expect(rerun.error).toBeNull();
      const dump = storeDump(fx.db, fx.account.id);
      expect(duplicatesIn(dump)).toEqual([]);
      expect(dump).toEqual(expected);
      return { first, checked: dump.length };
    } finally {
      proxy.heal();
      disposeStore(fx);
    }
  }

  it(`cut at ${CUTS} random byte offsets (FIN and RST): every rerun gives the undisturbed store`, async () => {
    const random = seededRandom();
    const offsets = cutOffsets(bytes, CUTS, random.next);
    const byPhase: Record<string, number> = {};
    const codes: Record<string, number> = {};
    let resets = 0;
    let checked = 0;
    for (const [k, afterBytes] of offsets.entries()) {
      const reset = random.next() < 0.5;
      if (reset) resets++;
      const phase = phaseAt(bytes, afterBytes);
      byPhase[phase] = (byPhase[phase] ?? 0) + 1;
      const { first, checked: n } = await faultThenRerun(() => proxy.inject({ kind: 'cut', afterBytes, reset }, 1)).catch((error: unknown) => {
        throw new Error(`cut ${k} at byte ${afterBytes}/${bytes.total} (${phase}, ${reset ? 'RST' : 'FIN'}, seed ${random.seed}): ${String(error)}`, { cause: error });
      });
      // A cut in the last bytes (LOGOUT's answer) may leave the pass itself successful.
      const code = first.error?.code ?? 'ok';
      if (first.error) expect(first.error.code, first.error.message).toMatch(NETWORK_CODES);
      codes[code] = (codes[code] ?? 0) + 1;
      checked += n;
    }
    console.log(
      `IMAP cuts (seed ${random.seed}): ${CUTS} cuts over ${bytes.total} bytes (${resets} RST, ${CUTS - resets} FIN); ` +
        `by phase ${JSON.stringify(byPhase)}; cut pass ended ${JSON.stringify(codes)}; ${checked} messages checked after reruns`,
    );
    expect(Object.keys(byPhase)).toEqual(expect.arrayContaining(['login', 'folders', 'headers', 'bodies']));
  });

  it('stalls (the server stops answering): the pass fails with TIMEOUT, the rerun gives the undisturbed store', async () => {
    const random = seededRandom();
    const results: string[] = [];
    for (const phase of ['login', 'headers', 'bodies']) {
      const spans = bytes.marks.filter((m) => m.phase === phase);
      const from = phase === 'login' ? 0 : spans[0]!.at;
      const next = bytes.marks.find((m) => m.at > from && m.phase !== phase)?.at ?? bytes.total;
      const afterBytes = from + Math.floor(random.next() * (next - from));
      const { first } = await faultThenRerun(() => proxy.inject({ kind: 'stall', afterBytes }, 1), { socketMs: 1500, greetingMs: 1500 });
      expect(first.error?.code, `${phase} stall at byte ${afterBytes}`).toBe('TIMEOUT');
      results.push(`${phase}@${afterBytes}`);
    }
    console.log(`IMAP stalls (seed ${random.seed}): ${results.length} stalls (${results.join(', ')}), each TIMEOUT, then the undisturbed store`);
  });

  it('a throttled connection (256 KB/s) syncs to the undisturbed store', async () => {
    const { first, checked } = await faultThenRerun(() => proxy.inject({ kind: 'throttle', bytesPerSecond: 256 * 1024 }, 1));
    expect(first.error).toBeNull();
    console.log(`IMAP throttle: ${bytes.total} bytes at 256 KB/s, ${checked} messages checked`);
  });
});

import { rmSync } from 'node:fs';
import type { SyncOutcome } from '../../shared/contract/sync';
import { toErrorData } from '../../shared/errors';
import type { ProgressUpdate, SyncEngineContext } from '../../electron/sync/engine';
import { withAccountLock } from '../../electron/sync/account-lock';
import { runPass } from '../../electron/sync/imap/account-pass';
import { connectImap } from '../../electron/protocols/imap/imap-connection';
import { createPass } from '../../electron/sync/imap/imap-pass';
import type { FaultProxy } from '../servers/fault-proxy';
import type { ImapFixture } from './imap-sync';

export interface ImapTimeouts {
  connectMs?: number;
  greetingMs?: number;
  socketMs?: number;
}

/**
 * One IMAP sync pass in this process, as `imapEngine.syncOnce` runs it (account lock, connect, runPass,
 * logout) but with short client timeouts, so a stalled connection fails in seconds rather than the
 * production minute. The outcome is the runtime's: ok, or the coded error.
 */
export async function imapPass(
  fx: ImapFixture,
  options: { timeouts?: ImapTimeouts; onProgress?: (update: ProgressUpdate) => void; signal?: AbortSignal } = {},
): Promise<SyncOutcome> {
  const base = fx.context(options.signal);
  const ctx: SyncEngineContext = {
    ...base,
    progress: (update) => {
      options.onProgress?.(update);
      base.progress(update);
    },
  };
  try {
    const { added, folderErrors } = await withAccountLock(fx.account.id, async () => {
      const { account } = ctx;
      ctx.progress({ phase: 'connecting', folder: null });
      const connection = await connectImap({
        host: account.host!,
        port: account.port!,
        security: account.security!,
        username: account.username!,
        password: await ctx.password(),
        trustedFingerprint: account.trustedFingerprint,
        ...(options.signal ? { signal: options.signal } : {}),
        timeouts: { connectMs: 10_000, greetingMs: 10_000, socketMs: 10_000, ...options.timeouts },
      });
      const pass = createPass(ctx, connection);
      try {
        const folderErrors = await runPass(pass);
        return { added: pass.added, folderErrors };
      } catch (error) {
        throw connection.mapError(error);
      } finally {
        await connection.logout();
      }
    });
    return { accountId: fx.account.id, ok: true, error: null, added, folderErrors };
  } catch (error) {
    const data = toErrorData(error);
    return { accountId: fx.account.id, ok: false, error: { code: data.code, message: data.message }, added: 0, folderErrors: [] };
  }
}

/** Closes a fixture's store and deletes its folder. */
export function disposeStore(fx: { db: { sqlite: { open: boolean; close(): unknown } }; dir: string }): void {
  if (fx.db.sqlite.open) fx.db.sqlite.close();
  rmSync(fx.dir, { recursive: true, force: true });
}

/** Where in an undisturbed sync the server's bytes belong: phase boundaries as byte offsets. */
export interface ByteMap {
  total: number;
  /** Sorted by offset: from this byte on, the sync was in this phase. */
  marks: Array<{ at: number; phase: string }>;
}

export function phaseAt(map: ByteMap, offset: number): string {
  let phase = 'login';
  for (const mark of map.marks) if (mark.at <= offset) phase = mark.phase;
  return phase;
}

/** Records proxy byte counts at each phase change (the first 'connecting' counts as login). */
export function byteRecorder(proxy: FaultProxy): { onProgress: (update: ProgressUpdate) => void; finish(): ByteMap } {
  const start = proxy.bytesDown;
  const marks: ByteMap['marks'] = [];
  return {
    onProgress(update) {
      const phase = update.phase === 'connecting' ? 'login' : update.phase;
      if (marks.at(-1)?.phase !== phase) marks.push({ at: proxy.bytesDown - start, phase });
    },
    finish: () => ({ total: proxy.bytesDown - start, marks }),
  };
}

/**
 * `count` cut offsets over an undisturbed sync's bytes: three in five stratified over the whole range
 * (most bytes are bodies), the rest spread evenly over the phases (so login and listings, few bytes,
 * get their share).
 */
export function cutOffsets(map: ByteMap, count: number, random: () => number): number[] {
  const offsets: number[] = [];
  const even = Math.ceil((count * 3) / 5);
  for (let k = 0; k < even; k++) offsets.push(Math.floor(((k + random()) / even) * map.total));
  // Every stretch of bytes a phase covers (a phase recurs, once per folder), grouped by phase.
  const spans = new Map<string, Array<{ from: number; to: number }>>();
  const bounds = [{ at: 0, phase: 'login' }, ...map.marks.filter((m) => m.at > 0)];
  bounds.forEach((mark, i) => {
    const to = bounds[i + 1]?.at ?? map.total;
    if (to > mark.at) spans.set(mark.phase, [...(spans.get(mark.phase) ?? []), { from: mark.at, to }]);
  });
  const phases = [...spans.values()];
  for (let k = even; k < count; k++) {
    const list = phases[k % phases.length]!;
    const span = list[Math.floor(random() * list.length)]!;
    offsets.push(span.from + Math.floor(random() * (span.to - span.from)));
  }
  return offsets;
}

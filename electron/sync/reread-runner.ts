import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PARSER_VERSION } from '../mime/parser-version';
import type { WriteDb } from '../store/db';
import { readSource, sourceChunks } from '../store/message-sources';
import { applyReread, beginReread, nextRereadRows, rereadThrough, type RereadRow } from '../store/reread';
import { compareSearchKeys } from '../store/search-key';
import { writeTransaction } from '../store/write-transaction';
import { ParsePool } from './parse-pool';

/** Messages read again per transaction: one event and one commit per batch, short enough never to hold a sync's commit up for long. */
export const REREAD_BATCH_ROWS = 100;
/** Stored bytes read again per batch (each is copied to a parse thread): bounds the memory a batch holds. */
export const REREAD_BATCH_BYTES = 8 * 1024 * 1024;
/**
 * A message larger than this is not read into memory whole (and copied to a parse thread): its stored
 * chunks are written to a temp file in the data directory, which the parse thread reads as it reads a
 * large download (streaming), and which goes once it is read. A message whose temp file cannot be written
 * (a full disk) keeps the reading it was stored with.
 */
export const REREAD_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** How long after the writer starts the scan begins: the app's first screen and a sync's start come first. */
export const REREAD_START_DELAY_MS = 1_000;

export interface RereadProgress {
  read: number;
  rewritten: number;
  skipped: number;
}

/**
 * Reads the mail stored before the current parser again, in the background (store/reread.ts): a batch at
 * a time, parsed on the parse threads, committed in one transaction per batch in search-key order (FTS5
 * keeps a batch as one segment only when its rows ascend: b138804). Between batches the event loop turns,
 * so commands and syncs go on; stopped by the writer's shutdown or dispose, it resumes at the next start.
 */
export class RereadRunner {
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  /** The scan under way, for tests and the CLI to wait on. */
  running: Promise<RereadProgress> | null = null;

  constructor(
    private readonly db: WriteDb,
    private readonly shutdown: AbortSignal,
    private readonly pool: ParsePool = ParsePool.shared(),
  ) {}

  /**
   * Starts the scan after `delayMs`, if one is due. Which messages it reads is settled now, before the
   * writer's first sync: mail that sync stores is read by the current parser already.
   */
  start(delayMs = REREAD_START_DELAY_MS): void {
    if (!beginReread(this.db, PARSER_VERSION)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.run().catch(() => ({ read: 0, rewritten: 0, skipped: 0 }));
    }, delayMs);
    this.timer.unref();
  }

  /** Writes message `id`'s stored source to a temp file (REREAD_MAX_MESSAGE_BYTES); null when it cannot. */
  private spill(id: number): string | null {
    const dir = join(dirname(this.db.path), 'tmp');
    const path = join(dir, `reread-${process.pid}-${id}.eml`);
    let fd: number | null = null;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      fd = openSync(path, 'w', 0o600);
      for (const chunk of sourceChunks(this.db, id)) writeSync(fd, chunk);
      return path;
    } catch {
      rmSync(path, { force: true });
      return null;
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private get done(): boolean {
    return this.stopped || this.shutdown.aborted;
  }

  /** The whole scan; a database closed under it (the process ending) ends it, to go on at the next start. */
  async run(): Promise<RereadProgress> {
    const progress: RereadProgress = { read: 0, rewritten: 0, skipped: 0 };
    if (this.done || !beginReread(this.db, PARSER_VERSION)) return progress;
    while (!this.done) {
      const { rows, through, more } = nextRereadRows(this.db, REREAD_BATCH_ROWS);
      const batch: RereadRow[] = [];
      let bytes = 0;
      let last = through;
      for (const row of rows) {
        // A large message (over REREAD_BATCH_BYTES) makes a batch of its own.
        if (batch.length > 0 && bytes + row.size > REREAD_BATCH_BYTES) {
          last = row.id - 1;
          break;
        }
        batch.push(row);
        bytes += row.size;
      }
      const parsedRows = await Promise.all(
        batch.map(async (row) => {
          if (row.size <= REREAD_MAX_MESSAGE_BYTES) {
            const { parsed } = await this.pool.prepare({ kind: 'buffer', bytes: readSource(this.db, row.id) }, { encode: false });
            return { row, parsed };
          }
          const path = this.spill(row.id);
          if (!path) return null;
          try {
            const { parsed } = await this.pool.prepare({ kind: 'file', path, size: statSync(path).size }, { encode: false });
            return { row, parsed };
          } finally {
            rmSync(path, { force: true });
          }
        }),
      );
      const read = parsedRows.filter((r) => r !== null);
      progress.skipped += parsedRows.length - read.length;
      if (this.done) break;
      writeTransaction(this.db, (changes) => {
        const ordered = [...read].sort((a, b) => compareSearchKeys(a.row, b.row));
        for (const { row, parsed } of ordered) if (applyReread(this.db, changes, row.id, row.content_hash, parsed)) progress.rewritten++;
        rereadThrough(this.db, last);
      });
      progress.read += read.length;
      if (last >= through && !more) break;
      // Let commands and syncs waiting on the thread run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return progress;
  }
}

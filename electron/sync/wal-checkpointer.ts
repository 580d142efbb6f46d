import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { WriteDb } from '../store/db';
import { onCommit } from '../store/write-transaction';
import { bundledScript } from './bundled-script';
import type { CheckpointerInit, ToCheckpointer } from './checkpointer-protocol';

/** SQLite's own default, in pages: the writer checkpoints by itself again once the thread is gone. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/**
 * While the checkpointer is on (its thread running, or ended for idleness until the next commit starts it),
 * the writer checkpoints by itself only past this many WAL pages (64 MB at 16 KB): when the thread fell
 * behind, so the WAL stays bounded whatever happens to it.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 4000;
/** The thread's V8 heap limit: it holds a connection and a timer, no data. */
const CHECKPOINT_THREAD_HEAP_MB = 16;
/** How long closing waits for the thread to end before terminating it. */
const CLOSE_WAIT_MS = 2_000;

/**
 * How long the thread stays after the last commit. A sync commits every second or so; a watched account
 * with nothing arriving commits nothing for hours, and the thread with its connection and isolate is ~8 MB
 * of the idle app's resident memory. The next commit starts it again (tens of milliseconds, on its own
 * thread); its checkpoint comes a moment after that commit, as always.
 */
export const CHECKPOINT_THREAD_IDLE_MS = 30_000;

export interface WalCheckpointerOptions {
  /** How long the thread stays after the last commit (CHECKPOINT_THREAD_IDLE_MS). */
  idleMs?: number;
}

/**
 * Takes WAL checkpoints off the sync worker's thread. SQLite checkpoints inside the COMMIT that takes the
 * WAL past 1,000 pages: copying them into the database file and syncing both files was ~2 s of the sync
 * thread's ~12 s busy time in a 10k-message sync, and every other step of a sync waits for that thread.
 * A thread of its own (checkpoint-worker.ts) copies the pages a moment after each commit, in parallel with
 * the next batch; the writer's own checkpoint stays as a fallback. The thread starts with the first commit
 * and ends once no commit came for `idleMs`. Without the bundled script (tests running the sources)
 * nothing changes.
 */
export class WalCheckpointer {
  static start(db: WriteDb, init: CheckpointerInit, script = bundledScript('checkpoint-worker'), options: WalCheckpointerOptions = {}): WalCheckpointer | null {
    return script ? new WalCheckpointer(db, init, script, options.idleMs ?? CHECKPOINT_THREAD_IDLE_MS) : null;
  }

  /** The thread, while it runs (null before the first commit and once idle). */
  private worker: Worker | null = null;
  /** Threads ended for idleness that may not have exited yet (close() waits for them too). */
  private readonly leaving = new Map<Worker, Promise<unknown>>();
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly stopListening: () => void;
  private running = true;

  private constructor(
    private readonly db: WriteDb,
    private readonly init: CheckpointerInit,
    private readonly script: string,
    private readonly idleMs: number,
  ) {
    db.sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    this.stopListening = onCommit(db, () => this.committed());
  }

  /** Whether the thread runs now (tests). */
  get threadRunning(): boolean {
    return this.worker !== null;
  }

  /** Ends the thread (its connection closed first), and gives checkpoints back to the writer. */
  async close(): Promise<void> {
    if (!this.running) return;
    const worker = this.worker;
    this.stop();
    const leaving = [...this.leaving.keys()];
    const exits = [...this.leaving.values()];
    if (worker) {
      exits.push(once(worker, 'exit').catch(() => undefined));
      worker.postMessage({ type: 'close' } satisfies ToCheckpointer);
    }
    const ended = await Promise.race([Promise.all(exits).then(() => true), delay(CLOSE_WAIT_MS, false, { ref: false })]);
    if (!ended) await Promise.all([...(worker ? [worker] : []), ...leaving].map((w) => w.terminate()));
  }

  private committed(): void {
    if (!this.running) return;
    (this.worker ?? this.spawn()).postMessage({ type: 'committed' } satisfies ToCheckpointer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.idle(), this.idleMs);
    this.idleTimer.unref();
  }

  private spawn(): Worker {
    // The thread holds next to nothing on its heap: small limits keep its isolate small.
    const worker = new Worker(this.script, {
      name: 'homing-checkpoint',
      workerData: this.init,
      resourceLimits: { maxOldGenerationSizeMb: CHECKPOINT_THREAD_HEAP_MB, maxYoungGenerationSizeMb: 1 },
    });
    worker.unref();
    // A thread that failed to open the database, or died: the writer checkpoints by itself as before.
    const gone = () => {
      if (this.worker === worker) this.stop();
    };
    worker.on('error', gone);
    worker.on('exit', gone);
    this.worker = worker;
    return worker;
  }

  /** No commit for idleMs: the thread closes its connection and ends; the next commit starts another. */
  private idle(): void {
    this.idleTimer = null;
    const worker = this.worker;
    if (!worker) return;
    this.worker = null; // before it exits: its exit is not a death
    const exited = once(worker, 'exit').catch(() => undefined);
    this.leaving.set(worker, exited);
    void exited.then(() => this.leaving.delete(worker));
    worker.postMessage({ type: 'close' } satisfies ToCheckpointer);
  }

  private stop(): void {
    if (!this.running) return;
    this.running = false;
    this.worker = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.stopListening();
    if (this.db.sqlite.open) this.db.sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }
}

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
 * While the thread runs, the writer checkpoints by itself only past this many WAL pages (64 MB at 16 KB):
 * when the thread fell behind, so the WAL stays bounded whatever happens to it.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 4000;
/** The thread's V8 heap limit: it holds a connection and a timer, no data. */
const CHECKPOINT_THREAD_HEAP_MB = 16;
/** How long closing waits for the thread to end before terminating it. */
const CLOSE_WAIT_MS = 2_000;

/**
 * Takes WAL checkpoints off the sync worker's thread. SQLite checkpoints inside the COMMIT that takes the
 * WAL past 1,000 pages: copying them into the database file and syncing both files was ~2 s of the sync
 * thread's ~12 s busy time in a 10k-message sync, and every other step of a sync waits for that thread.
 * A thread of its own (checkpoint-worker.ts) copies the pages a moment after each commit, in parallel with
 * the next batch; the writer's own checkpoint stays as a fallback. Without the bundled script (tests
 * running the sources) nothing changes.
 */
export class WalCheckpointer {
  static start(db: WriteDb, init: CheckpointerInit, script = bundledScript('checkpoint-worker')): WalCheckpointer | null {
    return script ? new WalCheckpointer(db, init, script) : null;
  }

  private readonly worker: Worker;
  private readonly stopListening: () => void;
  private running = true;

  private constructor(
    private readonly db: WriteDb,
    init: CheckpointerInit,
    script: string,
  ) {
    // The thread holds next to nothing on its heap: small limits keep its isolate small.
    this.worker = new Worker(script, {
      name: 'homing-checkpoint',
      workerData: init,
      resourceLimits: { maxOldGenerationSizeMb: CHECKPOINT_THREAD_HEAP_MB, maxYoungGenerationSizeMb: 1 },
    });
    this.worker.unref();
    db.sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    this.stopListening = onCommit(db, () => this.post({ type: 'committed' }));
    // A thread that failed to open the database, or died: the writer checkpoints by itself as before.
    const gone = () => this.stop();
    this.worker.on('error', gone);
    this.worker.on('exit', gone);
  }

  /** Ends the thread (its connection closed first), and gives checkpoints back to the writer. */
  async close(): Promise<void> {
    if (!this.running) return;
    const exited = once(this.worker, 'exit').catch(() => undefined);
    this.post({ type: 'close' });
    this.stop();
    const ended = await Promise.race([exited.then(() => true), delay(CLOSE_WAIT_MS, false, { ref: false })]);
    if (!ended) await this.worker.terminate();
  }

  private stop(): void {
    if (!this.running) return;
    this.running = false;
    this.stopListening();
    if (this.db.sqlite.open) this.db.sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }

  private post(message: ToCheckpointer): void {
    if (this.running) this.worker.postMessage(message);
  }
}

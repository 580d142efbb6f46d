/**
 * The WAL checkpoint thread (bundled as checkpoint-worker.cjs beside worker.cjs): copies committed pages
 * from the write-ahead log into the database file, so the sync worker's commits do not have to
 * (wal-checkpointer.ts says why). Its own connection never starts a transaction.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openCheckpointDb } from '../store/checkpoint-db';
import type { CheckpointerInit, ToCheckpointer } from './checkpointer-protocol';

/**
 * How long after a commit the checkpoint runs: the commits of a sync batch in that time are copied by
 * one checkpoint (each syncs the WAL and the database file once), and an idle store is never touched.
 */
const CHECKPOINT_DELAY_MS = 200;

if (!parentPort) throw new Error('checkpoint-worker.ts must run as a worker thread');
const port = parentPort;
const init = workerData as CheckpointerInit;
const sqlite = openCheckpointDb(init.dbPath, init.nativeBinding ? { nativeBinding: init.nativeBinding } : {});
let timer: NodeJS.Timeout | null = null;

function checkpoint(): void {
  timer = null;
  try {
    // PASSIVE: copies what no reader still needs, without waiting for the writer or readers, so the
    // writer's next commit never waits for it. Pages it leaves are copied by the next one.
    sqlite.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A busy or full disk: the pages stay in the WAL, which is as safe; the next commit tries again.
  }
}

port.on('message', (message: ToCheckpointer) => {
  if (message.type === 'committed') {
    timer ??= setTimeout(checkpoint, CHECKPOINT_DELAY_MS);
    return;
  }
  if (timer) clearTimeout(timer);
  sqlite.close();
  port.close();
});

/**
 * The sync worker: a worker_thread that owns the only write connection to the store. It runs every
 * command (user actions, account changes, sync) and posts one change event after each commit.
 * Started by worker-client.ts; this file only wires messages to the writer.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { type ErrorData, type Envelope, toErrorData } from '../../shared/errors';
import type { WriteDb } from '../store/db';
import { closeDb, openWriteDb } from '../store/open';
import { WalCheckpointer } from './wal-checkpointer';
import { createWriter } from './writer';
import { WorkerVaultProxy } from './worker-vault';
import { type FromWorker, toWorkerSchema, workerInitSchema } from './worker-protocol';

/** How long calls in flight (a sync waiting on a server) get to notice the shutdown. */
const SHUTDOWN_GRACE_MS = 5_000;

function start(port: MessagePort): void {
  const post = (message: FromWorker) => port.postMessage(message);
  const init = workerInitSchema.parse(workerData);
  let db: WriteDb;
  try {
    db = openWriteDb(init.dbPath, init.nativeBinding ? { nativeBinding: init.nativeBinding } : {});
  } catch (error) {
    post({ type: 'init-failed', error: toErrorData(error) as ErrorData });
    return;
  }

  const checkpointer = WalCheckpointer.start(db, { dbPath: init.dbPath, nativeBinding: init.nativeBinding });
  const vault = new WorkerVaultProxy(post);
  const shutdown = new AbortController();
  const writer = createWriter({
    db,
    dataDir: init.dataDir,
    vault,
    shutdown: shutdown.signal,
    emit: (event, payload) => post({ type: 'event', event, payload }),
  }, init.watchTiming ? { watchTiming: stripUndefined(init.watchTiming) } : {});
  const inFlight = new Set<Promise<unknown>>();

  port.on('message', (raw: unknown) => {
    const parsed = toWorkerSchema.safeParse(raw);
    if (!parsed.success) return; // Only our own main thread talks to us; a malformed message is dropped.
    const message = parsed.data;
    if (message.type === 'call') {
      const call = writer.handle(message.method, message.args).then((envelope: Envelope<unknown>) => {
        post({ type: 'result', id: message.id, envelope });
      });
      inFlight.add(call);
      void call.finally(() => inFlight.delete(call));
    } else if (message.type === 'vault-reply') {
      vault.settle(message.id, message.envelope as Envelope<unknown>);
    } else {
      // Long operations stop at their next safe point once aborted. Transactions are synchronous, so none
      // is ever half-done between two turns of the event loop: after a grace period for calls that are
      // still waiting on a server, the database is closed and the thread ends, even if a socket of a
      // stuck connection would otherwise keep it alive.
      shutdown.abort();
      const grace = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
      void Promise.race([Promise.allSettled([...inFlight]), grace]).then(async () => {
        writer.dispose();
        // Before the writer closes: its closing checkpoint must not wait on the thread's.
        await checkpointer?.close();
        closeDb(db);
        post({ type: 'closed' });
        process.exit(0);
      });
    }
  });

  post({ type: 'ready' });
}

/** zod's partial() types absent keys as `undefined`; exactOptionalPropertyTypes wants them gone. */
function stripUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

if (!parentPort) throw new Error('worker.ts must run as a worker thread');
start(parentPort);

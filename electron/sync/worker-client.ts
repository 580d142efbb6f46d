import { Worker } from 'node:worker_threads';
import { type Envelope, type ErrorData, HomingError, toErrorData } from '../../shared/errors';
import type { CredentialVault } from '../accounts/vault';
import { fromWorkerSchema, type ToWorker, type VaultRequest, type WorkerInit } from './worker-protocol';

/** Longer than the worker's own shutdown grace period (worker.ts), so a normal close always wins. */
const CLOSE_TIMEOUT_MS = 15_000;

/**
 * The sync worker's heap limits, in MB. V8 sizes a thread's heap for a main thread with this machine's
 * memory, and with a maximum old generation of 2 GB or more lets the heap grow 4x past what survived the
 * last full collection before the next one (1.3-2x below that). The worker keeps ~30 MB alive, but the
 * message sources it queues live long enough to be promoted, so their garbage (and the Buffers' memory
 * outside the heap, freed only by a full collection) piled up to ~60 MB before each. At 1024 MB the factor
 * is ~1.6: 10k-message IMAP bench, with the parse thread's limits (parse-limits.ts), ~290 -> ~210 MB peak
 * RSS for about the same CPU (512 MB measured the same). Twice the parse thread's limit, so a runaway
 * parse that ends a parse thread can still be parsed here (parse-pool.ts); a message past
 * imapLimits.streamThresholdBytes or POP3's spill size is parsed from a file, a chunk at a time.
 * Its young generation: it keeps little alive between messages, so 8 MB (V8's default here: 32) costs no
 * measurable CPU.
 */
const SYNC_THREAD_OLD_GENERATION_MB = 1024;
const SYNC_THREAD_YOUNG_GENERATION_MB = 8;

export interface WorkerClientOptions extends WorkerInit {
  /** The bundled worker script (dist/node/worker.cjs). */
  workerPath: string;
  vault: CredentialVault;
  onEvent(event: string, payload: unknown): void;
  /** Called when the worker stops without being asked to. */
  onExit?(error: ErrorData): void;
}

export interface WorkerClient {
  call(method: string, args: unknown): Promise<unknown>;
  /** Asks the worker to finish its current transactions and close the database. */
  close(): Promise<void>;
  /** Terminates the thread at once, as a crash would: calls in flight fail and onExit is called. */
  kill(): Promise<void>;
}

/** Starts the sync worker and resolves once it has opened (and migrated) the database. */
export function startWorker(options: WorkerClientOptions): Promise<WorkerClient> {
  const { workerPath, vault, onEvent, onExit, ...init } = options;
  const worker = new Worker(workerPath, {
    workerData: init,
    name: 'homing-sync',
    resourceLimits: { maxOldGenerationSizeMb: SYNC_THREAD_OLD_GENERATION_MB, maxYoungGenerationSizeMb: SYNC_THREAD_YOUNG_GENERATION_MB },
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let closing: Promise<void> | null = null;
  let exited = false;

  const send = (message: ToWorker) => worker.postMessage(message);

  const failAll = (error: ErrorData) => {
    for (const { reject } of pending.values()) reject(HomingError.fromData(error));
    pending.clear();
  };

  const answerVault = async (id: number, request: VaultRequest) => {
    let envelope: Envelope<unknown>;
    try {
      if (request.op === 'get') envelope = { ok: true, value: await vault.getPassword(request.accountId) };
      else if (request.op === 'set') envelope = { ok: true, value: await vault.setPassword(request.accountId, request.password) };
      else envelope = { ok: true, value: await vault.deletePassword(request.accountId) };
    } catch (error) {
      envelope = { ok: false, error: toErrorData(error) };
    }
    if (!exited) send({ type: 'vault-reply', id, envelope });
  };

  return new Promise<WorkerClient>((resolveStart, rejectStart) => {
    let started = false;
    worker.on('message', (raw: unknown) => {
      const parsed = fromWorkerSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      switch (message.type) {
        case 'ready':
          started = true;
          resolveStart(client);
          break;
        case 'init-failed':
          rejectStart(HomingError.fromData(message.error as ErrorData));
          void worker.terminate();
          break;
        case 'result': {
          const waiter = pending.get(message.id);
          pending.delete(message.id);
          if (!waiter) break;
          if (message.envelope.ok) waiter.resolve(message.envelope.value);
          else waiter.reject(HomingError.fromData(message.envelope.error as ErrorData));
          break;
        }
        case 'event':
          onEvent(message.event, message.payload);
          break;
        case 'vault-request':
          void answerVault(message.id, message.request);
          break;
        case 'closed':
          break;
      }
    });
    worker.on('error', (error) => {
      const data = toErrorData(error);
      if (!started) rejectStart(HomingError.fromData(data));
      failAll(data);
    });
    worker.on('exit', (code) => {
      exited = true;
      const data: ErrorData = { code: 'INTERNAL', message: `The sync worker stopped (exit code ${code}).` };
      failAll(data);
      if (!started) rejectStart(HomingError.fromData(data));
      else if (!closing) onExit?.(data);
    });

    const client: WorkerClient = {
      call(method, args) {
        if (exited) return Promise.reject(new HomingError('INTERNAL', 'The sync worker is not running.'));
        const id = nextId++;
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject });
          send({ type: 'call', id, method, args });
        });
      },
      close() {
        if (!closing) {
          closing = exited
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                // The worker ends itself after closing the database; if it is stuck in synchronous code
                // (it should never be), terminate it: the last commit is durable either way (WAL).
                const stuck = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
                worker.once('exit', () => {
                  clearTimeout(stuck);
                  resolve();
                });
                send({ type: 'shutdown' });
              });
        }
        return closing;
      },
      async kill() {
        if (exited) return;
        const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        await worker.terminate();
        await gone;
      },
    };
  });
}

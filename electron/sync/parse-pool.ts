import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MAX_INDEXED_TEXT_CHARS } from '../mime/limits';
import type { ParsedMessage } from '../mime/parse-message';
import type { MessageSource } from '../store/message-source';
import { encodeSource, type EncodedSource } from '../store/source-encoding';
import { bundledScript } from './bundled-script';
import { parseLimits } from './parse-limits';

/** What crosses to the worker: a buffer source arrives as a plain Uint8Array (the worker wraps it back into a Buffer). */
export type TransferRequest = {
  id: number;
  source: { kind: 'buffer'; bytes: Uint8Array } | Extract<MessageSource, { kind: 'file' }>;
};
export type ParseReply = ({ id: number } & Prepared) | { id: number; error: string };

/** A source made ready for commitMessage: parsed, and (for an in-memory source) hashed and compressed. */
export interface Prepared {
  parsed: ParsedMessage;
  encoded: EncodedSource | null;
}

/** Parsing and encoding of one source; the parsing threads run exactly this. */
export async function prepareSource(source: MessageSource): Promise<Prepared> {
  // Imported on first use: loading mailparser takes ~150 ms, which the sync thread (parsing only when no
  // parse thread can) would otherwise spend at start-up, before its first FETCH.
  const { parseMessage } = await import('../mime/parse-message');
  const parsed = forIngest(await parseMessage(source));
  // A file source is a large message: compressing it whole here would hold all its chunks in memory at
  // once, so writeSource compresses it a chunk at a time instead.
  return { parsed, encoded: source.kind === 'buffer' ? encodeSource(source.bytes) : null };
}

/**
 * What commitMessage reads of a ParsedMessage: never the HTML (the reading pane parses the stored source
 * again), the text only as far as the index keeps it. A 20 MB HTML message would otherwise be copied
 * across threads, and wait in the commit queue, whole.
 */
function forIngest(parsed: ParsedMessage): ParsedMessage {
  const text = parsed.text !== null && parsed.text.length > MAX_INDEXED_TEXT_CHARS ? parsed.text.slice(0, MAX_INDEXED_TEXT_CHARS) : parsed.text;
  return { ...parsed, html: null, text };
}

interface Task {
  id: number;
  source: MessageSource;
  resolve: (prepared: Prepared) => void;
  reject: (error: Error) => void;
}

const MAX_RESPAWNS = 5;

/**
 * MIME parsing off the sync worker's thread: mailparser is the largest CPU cost of a sync, and on its own
 * thread it overlaps with reading the network and committing. Tasks go to the least busy worker;
 * without the bundled script (tests running the sources) or when a worker dies, parsing falls back to
 * this thread, so a sync never fails for the pool's sake. Workers are unref'd: they never keep a
 * process alive.
 */
export class ParsePool {
  private static instance: ParsePool | null = null;
  private readonly workers: Array<{ worker: Worker; busy: Map<number, Task> }> = [];
  private nextId = 1;
  /** Replacements started for workers that died (a message too big for their heap); bounded so a crash loop ends inline. */
  private respawns = 0;

  static shared(): ParsePool {
    ParsePool.instance ??= new ParsePool(bundledScript('parse-worker'), Math.max(1, Math.min(parseLimits.maxParseThreads, availableParallelism() - 1)));
    return ParsePool.instance;
  }

  private constructor(script: string | null, size: number) {
    if (!script) return;
    for (let i = 0; i < size; i++) this.spawn(script);
  }

  private spawn(script: string): void {
    // A message too big for the thread's heap makes it die with ERR_WORKER_OUT_OF_MEMORY, and its tasks
    // are parsed on the sync thread instead (see retire). The limits are explained in parse-limits.ts.
    const worker = new Worker(script, {
      name: 'homing-parse',
      resourceLimits: { maxOldGenerationSizeMb: parseLimits.parseThreadHeapMb, maxYoungGenerationSizeMb: parseLimits.parseThreadYoungMb },
    });
    const slot = { worker, busy: new Map<number, Task>() };
    worker.on('message', (reply: ParseReply) => {
      const task = slot.busy.get(reply.id);
      if (!task) return;
      slot.busy.delete(reply.id);
      if ('parsed' in reply) task.resolve({ parsed: reply.parsed, encoded: reply.encoded });
      else this.inline(task);
    });
    const retire = () => {
      const index = this.workers.indexOf(slot);
      if (index < 0) return;
      this.workers.splice(index, 1);
      for (const task of slot.busy.values()) this.inline(task);
      slot.busy.clear();
      if (this.respawns++ < MAX_RESPAWNS) this.spawn(script);
    };
    worker.on('error', retire);
    worker.on('exit', retire);
    // After the listeners: adding a 'message' listener refs the worker again (Node 20).
    worker.unref();
    this.workers.push(slot);
  }

  private inline(task: Task): void {
    prepareSource(task.source).then(task.resolve, task.reject);
  }

  /** Parses and encodes on a pool thread (the bytes are copied there), or here when there is none. */
  prepare(source: MessageSource): Promise<Prepared> {
    return new Promise((resolve, reject) => {
      const task: Task = { id: this.nextId++, source, resolve, reject };
      const slot = this.workers.reduce<(typeof this.workers)[number] | null>((best, w) => (!best || w.busy.size < best.busy.size ? w : best), null);
      if (!slot) return this.inline(task);
      slot.busy.set(task.id, task);
      if (source.kind === 'buffer') {
        // One exact-size copy, transferred: cloning the Buffer would serialise its whole backing store,
        // which for imapflow's literals can be a larger shared chunk.
        const copy = new Uint8Array(source.bytes);
        // Hashing and compressing happen there too, so the thread that commits (and reads the network)
        // only inserts rows; it also writes every page twice (WAL, then checkpoint) and tokenises for FTS5.
        slot.worker.postMessage({ id: task.id, source: { kind: 'buffer', bytes: copy } } satisfies TransferRequest, [copy.buffer]);
      } else {
        slot.worker.postMessage({ id: task.id, source } satisfies TransferRequest);
      }
    });
  }
}

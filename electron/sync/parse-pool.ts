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
  /** False: parse only, no hash and chunks (a stored message read again: reread-runner.ts). */
  encode?: boolean;
};
export type ParseReply = ({ id: number } & Prepared) | { id: number; error: string };

/** A source made ready for commitMessage: parsed, and (for an in-memory source) hashed and compressed. */
export interface Prepared {
  parsed: ParsedMessage;
  encoded: EncodedSource | null;
}

/** Parsing and encoding of one source; the parsing threads run exactly this. */
export async function prepareSource(source: MessageSource, encode = true): Promise<Prepared> {
  // Imported on first use: loading mailparser takes ~150 ms, which the sync thread (parsing only when no
  // parse thread can) would otherwise spend at start-up, before its first FETCH.
  const { parseMessage } = await import('../mime/parse-message');
  const parsed = forIngest(await parseMessage(source));
  // A file source is a large message: compressing it whole here would hold all its chunks in memory at
  // once, so writeSource compresses it a chunk at a time instead.
  return { parsed, encoded: encode && source.kind === 'buffer' ? encodeSource(source.bytes) : null };
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
  encode: boolean;
  resolve: (prepared: Prepared) => void;
  reject: (error: Error) => void;
}

const MAX_RESPAWNS = 5;

/**
 * How long the parsing threads stay after their last task. A pass keeps them busy (a FETCH's answer, the
 * next FETCH); once it is over, and all the while an account is watched with nothing arriving, they are
 * gone: a parsing thread with mailparser loaded and what its last parses left on its heap is ~20 MB of the
 * idle app's resident memory. The next message to parse starts them again (~150 ms of CPU to load
 * mailparser), so mail arriving minutes apart pays that once each time, a pass once.
 */
export const PARSE_THREAD_IDLE_MS = 10_000;

export interface ParsePoolOptions {
  /** How long the threads stay after their last task (PARSE_THREAD_IDLE_MS). */
  idleMs?: number;
}

type Slot = { worker: Worker; busy: Map<number, Task> };

/**
 * MIME parsing off the sync worker's thread: mailparser is the largest CPU cost of a sync, and on its own
 * thread it overlaps with reading the network and committing. Tasks go to the least busy worker;
 * without the bundled script (tests running the sources) or when a worker dies, parsing falls back to
 * this thread, so a sync never fails for the pool's sake. The threads start with the first task and end
 * once the pool has been idle for `idleMs`. Workers are unref'd: they never keep a process alive.
 */
export class ParsePool {
  private static instance: ParsePool | null = null;
  private readonly workers: Slot[] = [];
  private nextId = 1;
  /** Replacements started for workers that died (a message too big for their heap); bounded so a crash loop ends inline. */
  private respawns = 0;
  private readonly idleMs: number;
  private idleTimer: NodeJS.Timeout | null = null;

  static shared(): ParsePool {
    ParsePool.instance ??= new ParsePool(bundledScript('parse-worker'), Math.max(1, Math.min(parseLimits.maxParseThreads, availableParallelism() - 1)));
    return ParsePool.instance;
  }

  /** `script`: the bundled parse-worker.cjs (null: parse on this thread); `size`: how many threads run while there is work. */
  constructor(
    private readonly script: string | null,
    private readonly size: number,
    options: ParsePoolOptions = {},
  ) {
    this.idleMs = options.idleMs ?? PARSE_THREAD_IDLE_MS;
  }

  /** Parsing threads running now (0 before the first task and once the pool has been idle). */
  get threads(): number {
    return this.workers.length;
  }

  private spawn(script: string): void {
    // A message too big for the thread's heap makes it die with ERR_WORKER_OUT_OF_MEMORY, and its tasks
    // are parsed on the sync thread instead (see retire). The limits are explained in parse-limits.ts.
    const worker = new Worker(script, {
      name: 'homing-parse',
      resourceLimits: { maxOldGenerationSizeMb: parseLimits.parseThreadHeapMb, maxYoungGenerationSizeMb: parseLimits.parseThreadYoungMb },
    });
    const slot: Slot = { worker, busy: new Map<number, Task>() };
    worker.on('message', (reply: ParseReply) => {
      const task = slot.busy.get(reply.id);
      if (!task) return;
      slot.busy.delete(reply.id);
      if ('parsed' in reply) task.resolve({ parsed: reply.parsed, encoded: reply.encoded });
      else this.inline(task);
      this.idleSoon();
    });
    const retire = () => {
      const index = this.workers.indexOf(slot);
      if (index < 0) return; // stopped while idle (stopIdle), or already retired
      this.workers.splice(index, 1);
      for (const task of slot.busy.values()) this.inline(task);
      slot.busy.clear();
      if (this.respawns++ < MAX_RESPAWNS) this.spawn(script);
      this.idleSoon();
    };
    worker.on('error', retire);
    worker.on('exit', retire);
    // After the listeners: adding a 'message' listener refs the worker again (Node 20).
    worker.unref();
    this.workers.push(slot);
  }

  /** The threads, started if they are not running (the first task, or the first after an idle stop). */
  private running(): Slot[] {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    // Not after a crash loop (see retire): from then on this thread parses.
    if (this.script && this.workers.length === 0 && this.respawns <= MAX_RESPAWNS) for (let i = 0; i < this.size; i++) this.spawn(this.script);
    return this.workers;
  }

  /** Once no thread has a task, the threads end after idleMs unless a task comes first. */
  private idleSoon(): void {
    if (this.idleTimer || this.workers.some((w) => w.busy.size > 0)) return;
    this.idleTimer = setTimeout(() => this.stopIdle(), this.idleMs);
    this.idleTimer.unref();
  }

  /**
   * A pass is over and no other is running: the threads end now rather than after idleMs (a pass's
   * last parse is usually seconds before its end, and the app is about to sit idle). A task still in
   * flight keeps them; the next task starts them again.
   */
  release(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.stopIdle();
  }

  private stopIdle(): void {
    this.idleTimer = null;
    if (this.workers.some((w) => w.busy.size > 0)) return;
    // Out of the list first: their exit is not a death to answer with a replacement.
    for (const { worker } of this.workers.splice(0)) void worker.terminate();
  }

  private inline(task: Task): void {
    prepareSource(task.source, task.encode).then(task.resolve, task.reject);
  }

  /** Parses and encodes on a pool thread (the bytes are copied there), or here when there is none. */
  prepare(source: MessageSource, { encode = true }: { encode?: boolean } = {}): Promise<Prepared> {
    return new Promise((resolve, reject) => {
      const task: Task = { id: this.nextId++, source, encode, resolve, reject };
      const slot = this.running().reduce<Slot | null>((best, w) => (!best || w.busy.size < best.busy.size ? w : best), null);
      if (!slot) return this.inline(task);
      slot.busy.set(task.id, task);
      if (source.kind === 'buffer') {
        // One exact-size copy, transferred: cloning the Buffer would serialise its whole backing store,
        // which for imapflow's literals can be a larger shared chunk.
        const copy = new Uint8Array(source.bytes);
        // Hashing and compressing happen there too, so the thread that commits (and reads the network)
        // only inserts rows; it also writes every page twice (WAL, then checkpoint) and tokenises for FTS5.
        slot.worker.postMessage({ id: task.id, source: { kind: 'buffer', bytes: copy }, encode } satisfies TransferRequest, [copy.buffer]);
      } else {
        slot.worker.postMessage({ id: task.id, source, encode } satisfies TransferRequest);
      }
    });
  }
}

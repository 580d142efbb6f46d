import { rm } from 'node:fs/promises';
import { HomingError } from '../../../shared/errors';
import { diskFullAfter } from '../disk-full';
import type { MessageSource } from '../../store/message-source';
import { POP3_SYNC_LIMITS } from './limits';
import type { Pop3Client } from '../../protocols/pop3/pop3-client';
import type { ReadyMessage } from './store-message';
import type { DownloadItem } from './sync-plan';

/**
 * The messages to download, handed out a page at a time in the order to download them: a first pass over
 * a maildrop of 100,000 messages plans 100,000, and holding them all for the whole download cost ~10 MB
 * of objects (more with the heap's slack) for nothing.
 */
export interface DownloadPlan {
  /** How many messages the plan holds. */
  readonly total: number;
  /** The next `max` messages (fewer only when the plan has no more). */
  next(max: number): DownloadItem[];
}

/** A plan of messages already in memory (a maildrop without UIDL, tests). */
export function planOf(items: readonly DownloadItem[]): DownloadPlan {
  let taken = 0;
  return {
    total: items.length,
    next(max) {
      const page = items.slice(taken, taken + max);
      taken += page.length;
      return page;
    },
  };
}

/** Messages asked of the plan at once: a few pipeline depths. */
const PLAN_PAGE = 256;

/** The plan as a queue: what is left, the head, and room at the front for a message to be asked again. */
class PlanQueue {
  private page: DownloadItem[] = [];
  private unread: number;

  constructor(private readonly plan: DownloadPlan) {
    this.unread = plan.total;
  }

  get length(): number {
    return this.page.length + this.unread;
  }

  first(): DownloadItem | undefined {
    this.fill();
    return this.page[0];
  }

  shift(): DownloadItem | undefined {
    this.fill();
    return this.page.shift();
  }

  unshift(item: DownloadItem): void {
    this.page.unshift(item);
  }

  private fill(): void {
    if (this.page.length > 0 || this.unread === 0) return;
    this.page = this.plan.next(Math.min(PLAN_PAGE, this.unread));
    // A plan that ends early ends the queue (the pass then reports what was neither stored nor refused).
    this.unread = this.page.length === 0 ? 0 : this.unread - this.page.length;
  }
}

export interface DownloadOptions {
  client: Pop3Client;
  plan: DownloadPlan;
  tempDir: string;
  signal: AbortSignal;
  /** Parses one downloaded message, outside any transaction. */
  ready(item: DownloadItem, source: MessageSource): Promise<ReadyMessage>;
  /** Commits parsed messages (each with its UIDL) in one transaction; returns how many were new. */
  commit(batch: ReadyMessage[]): number;
  /** Called after each commit with the number of messages stored so far. */
  progress(done: number): void;
}

export interface DownloadOutcome {
  added: number;
  done: number;
  /** Messages the server refused to hand out (-ERR to RETR): the pass reports them, the rest goes on. */
  refused: Array<{ item: DownloadItem; error: HomingError }>;
}

/** What a TOP for a partial message may cost in memory, for the pipeline's byte budget. */
const PREVIEW_COST = 64 * 1024;

interface Pending {
  item: DownloadItem;
  cost: number;
  result: Promise<MessageSource>;
  /** Parsing starts the moment the source is complete, so several parse while earlier ones commit. */
  prepared: Promise<ReadyMessage>;
  settled: boolean;
}

/**
 * Fetches, parses and stores messages, keeping the connection busy: while messages are parsed and
 * committed, the next RETRs are already on the wire (pipelined when the server offers PIPELINING;
 * otherwise the client sends the next as soon as the previous answer is complete). Parsed messages are
 * committed several per transaction — when the batch is full, old, or the network has nothing ready
 * (so nothing waits in memory while the line is idle); each still goes in with its own UIDL. Everything
 * requested and not yet committed is bounded by POP3_SYNC_LIMITS.pipelineDepth and pipelineBytes. A message
 * is stored only once its terminating line arrived; a cut connection commits what was complete and
 * stores nothing half. The pass returns only when every planned message was stored or refused by the
 * server (a RETR held back by the byte budget included); anything else is an error, never a success.
 */
export async function downloadMessages(options: DownloadOptions): Promise<DownloadOutcome> {
  const { client, tempDir, signal } = options;
  const queue = new PlanQueue(options.plan);
  const inFlight: Pending[] = [];
  const batch: Array<{ ready: ReadyMessage; cost: number }> = [];
  let batchBytes = 0;
  let batchStarted = 0;
  let budget = 0;
  const outcome: DownloadOutcome = { added: 0, done: 0, refused: [] };

  const issue = () => {
    // Requests go out in groups (one write, one TLS record, one wake-up of the server) rather than one
    // each time a message completes: while enough are in flight to keep the line busy, wait for more room.
    const room = POP3_SYNC_LIMITS.pipelineDepth - inFlight.length;
    if (inFlight.length > 0 && room < POP3_SYNC_LIMITS.requestGroup && queue.length > room) return;
    while (queue.length > 0 && !signal.aborted) {
      const item = queue.first();
      if (!item) break;
      const cost = item.mode === 'partial' ? PREVIEW_COST : Math.max(item.size, 1);
      const busy = inFlight.length > 0 || budget > 0;
      if (busy && (inFlight.length >= POP3_SYNC_LIMITS.pipelineDepth || budget + cost > POP3_SYNC_LIMITS.pipelineBytes)) break;
      queue.shift();
      const result =
        item.mode === 'partial'
          ? client.top({ msgno: item.msgno, lines: POP3_SYNC_LIMITS.previewLines, tempDir })
          : client.retr({ msgno: item.msgno, tempDir });
      const prepared = result.then((source) =>
        options.ready(item, source).catch(async (error: unknown) => {
          await removeSource(source);
          throw error;
        }),
      );
      // Awaited in order by the loop below; a failure is handled there (or by the cleanup at the end).
      prepared.catch(() => undefined);
      const pending: Pending = { item, cost, result, prepared, settled: false };
      result.then(
        () => (pending.settled = true),
        () => (pending.settled = true),
      );
      inFlight.push(pending);
      budget += cost;
    }
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const entries = batch.splice(0);
    batchBytes = 0;
    try {
      outcome.added += options.commit(entries.map((e) => e.ready));
    } finally {
      await Promise.all(entries.map((e) => removeSource(e.ready.source)));
      for (const e of entries) budget -= e.cost;
    }
    outcome.done += entries.length;
    options.progress(outcome.done);
    issue();
  };

  try {
    issue();
    for (;;) {
      if (inFlight.length === 0) {
        // Requests the byte budget held back (a message bigger than what is left of it) go out only once
        // what is parsed is committed: commit now, then send them, and go on until none is left.
        await flush();
        issue();
        if (inFlight.length === 0) break;
      }
      const head = inFlight.shift()!;
      // The network is behind: commit what is parsed now instead of holding it while we wait.
      if (!head.settled) await flush();
      let source: MessageSource;
      try {
        source = await head.result;
      } catch (error) {
        budget -= head.cost;
        // Only a refusal of this one message lets the pass go on; a lost connection, a timeout, a
        // runaway reply end it (after what is complete has been committed).
        if (!(error instanceof HomingError) || error.code !== 'SERVER_ERROR' || client.state === 'CLOSED') {
          await flush();
          throw error;
        }
        // RFC 1939 makes TOP optional: a server without it gets asked for the whole message.
        if (head.item.mode === 'partial') queue.unshift({ ...head.item, mode: 'full' });
        else outcome.refused.push({ item: head.item, error });
        issue();
        continue;
      }
      // The next requests go out while this one is parsed; its bytes count until it is committed.
      issue();
      let ready: ReadyMessage;
      try {
        ready = await head.prepared;
      } catch (error) {
        // The source was removed when its parsing failed.
        budget -= head.cost;
        throw error;
      }
      if (batch.length === 0) batchStarted = Date.now();
      batch.push({ ready, cost: head.cost });
      batchBytes += source.kind === 'buffer' ? source.bytes.length : source.size;
      if (
        source.kind === 'file' ||
        batch.length >= POP3_SYNC_LIMITS.commitBatchMessages ||
        batchBytes >= POP3_SYNC_LIMITS.commitBatchBytes ||
        Date.now() - batchStarted >= POP3_SYNC_LIMITS.commitBatchMs
      ) {
        await flush();
      }
    }
  } catch (error) {
    throw diskFullAfter(error, { messages: outcome.added });
  } finally {
    // Anything requested and not stored (the pass failed): let it settle and remove its temp file.
    for (const { result, prepared } of inFlight.splice(0)) {
      void prepared.then(
        (ready) => removeSource(ready.source),
        () => result.then(removeSource, () => undefined),
      );
    }
    for (const { ready } of batch.splice(0)) void removeSource(ready.source);
  }
  // Every planned message is stored or reported as refused; a pass that says otherwise must not end as a success.
  const planned = options.plan.total;
  const missing = planned - outcome.done - outcome.refused.length;
  if (missing > 0 && !signal.aborted) {
    throw new HomingError('INTERNAL', `${missing} of the ${planned} messages planned for download were neither stored nor refused.`, {
      planned,
      stored: outcome.done,
      refused: outcome.refused.length,
    });
  }
  return outcome;
}

export async function removeSource(source: MessageSource): Promise<void> {
  if (source.kind === 'file') await rm(source.path, { force: true });
}

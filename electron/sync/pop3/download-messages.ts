import { rm } from 'node:fs/promises';
import { HomingError } from '../../../shared/errors';
import type { MessageSource } from '../../store/message-source';
import { POP3_LIMITS } from './limits';
import type { Pop3Client } from './pop3-client';
import type { DownloadItem } from './sync-plan';

export interface DownloadOptions {
  client: Pop3Client;
  /** In the order to download them. */
  items: readonly DownloadItem[];
  tempDir: string;
  signal: AbortSignal;
  /** Parses and commits one message (with its UIDL); resolves true when it was new to the store. */
  store(item: DownloadItem, source: MessageSource): Promise<boolean>;
  /** Called after each message is stored. */
  progress(done: number): void;
}

export interface DownloadOutcome {
  added: number;
  done: number;
  /** Messages the server refused to hand out (-ERR to RETR): the pass reports them, the rest goes on. */
  refused: Array<{ item: DownloadItem; error: HomingError }>;
  /** The signal stopped the pass before every message was fetched. */
  stopped: boolean;
}

/** What a TOP for a partial message may cost in memory, for the pipeline's byte budget. */
const PREVIEW_COST = 64 * 1024;

/**
 * Fetches and stores messages one after the other, keeping the connection busy: while one message is
 * parsed and committed, the next RETRs are already on the wire (pipelined when the server offers
 * PIPELINING; otherwise the client sends the next as soon as the previous answer is complete). What is
 * requested and not yet stored is bounded by POP3_LIMITS.pipelineDepth and pipelineBytes, so memory
 * stays flat however far parsing falls behind. Each message is stored only once its terminating line
 * arrived; a cut connection rejects everything still in flight and stores nothing half.
 */
export async function downloadMessages(options: DownloadOptions): Promise<DownloadOutcome> {
  const { client, tempDir, signal } = options;
  const queue = [...options.items];
  const inFlight: Array<{ item: DownloadItem; cost: number; result: Promise<MessageSource> }> = [];
  let budget = 0;
  const outcome: DownloadOutcome = { added: 0, done: 0, refused: [], stopped: false };

  const issue = () => {
    while (queue.length > 0 && !signal.aborted) {
      const item = queue[0]!;
      const cost = item.mode === 'partial' ? PREVIEW_COST : Math.max(item.size, 1);
      const busy = inFlight.length > 0 || budget > 0;
      if (busy && (inFlight.length >= POP3_LIMITS.pipelineDepth || budget + cost > POP3_LIMITS.pipelineBytes)) break;
      queue.shift();
      const result =
        item.mode === 'partial'
          ? client.top({ msgno: item.msgno, lines: POP3_LIMITS.previewLines, tempDir })
          : client.retr({ msgno: item.msgno, tempDir });
      result.catch(() => undefined); // awaited in order below
      inFlight.push({ item, cost, result });
      budget += cost;
    }
  };

  try {
    issue();
    while (inFlight.length > 0) {
      const head = inFlight.shift()!;
      let source: MessageSource;
      try {
        source = await head.result;
      } catch (error) {
        budget -= head.cost;
        // Only a refusal of this one message lets the pass go on; a lost connection, a timeout, a
        // runaway reply end it.
        if (!(error instanceof HomingError) || error.code !== 'SERVER_ERROR' || client.state === 'CLOSED') throw error;
        // RFC 1939 makes TOP optional: a server without it gets asked for the whole message.
        if (head.item.mode === 'partial') queue.unshift({ ...head.item, mode: 'full' });
        else outcome.refused.push({ item: head.item, error });
        issue();
        continue;
      }
      // The next requests go out while this one is parsed and committed; its bytes still count.
      issue();
      try {
        if (await options.store(head.item, source)) outcome.added += 1;
      } finally {
        await removeSource(source);
      }
      budget -= head.cost;
      outcome.done += 1;
      options.progress(outcome.done);
      issue();
    }
  } finally {
    // Anything requested and not stored (the pass failed): let it settle and remove its temp file.
    for (const { result } of inFlight.splice(0)) void result.then(removeSource, () => undefined);
  }
  outcome.stopped = signal.aborted && queue.length > 0;
  return outcome;
}

export async function removeSource(source: MessageSource): Promise<void> {
  if (source.kind === 'file') await rm(source.path, { force: true });
}

import type { ParsedMessage } from '../../mime/parse-message';
import { commitListedPop3, commitMessage, type DeletedHere, type IngestInput, type IngestResult } from '../../store/ingest';
import type { MessageSource } from '../../store/message-source';
import type { ListingHandle } from '../../store/pop3-listing';
import { recordDownload } from '../../store/pop3-state';
import type { EncodedSource } from '../../store/source-encoding';
import { writeTransaction } from '../../store/write-transaction';
import { ParsePool } from '../parse-pool';
import { headerOf, rulesOnArrival } from '../rules/arrivals';
import type { WriterContext } from '../writer-context';

export interface StoreTarget {
  accountId: string;
  folderId: number;
}

export interface ReadyMessage {
  uidl: string;
  source: MessageSource;
  /** From parseMessage, computed before the transaction. */
  parsed: ParsedMessage;
  /** The source hashed and compressed ahead (in-memory sources only), so the transaction only inserts. */
  encoded: EncodedSource | null;
  bodyStatus: 'full' | 'partial';
}

/**
 * Parses (and, in memory, hashes and compresses) a downloaded message outside any transaction, on the
 * parse pool's thread (electron/sync/parse-pool.ts, shared with the IMAP sync): the CPU-heavy part of a
 * download then runs on another core while this thread reads the network and commits.
 */
export async function readyMessage(uidl: string, source: MessageSource, bodyStatus: 'full' | 'partial'): Promise<ReadyMessage> {
  const { parsed, encoded } = await ParsePool.shared().prepare(source);
  return { uidl, source, parsed, encoded, bodyStatus };
}

/**
 * Commits messages in ONE transaction, each together with its UIDL row: after a crash at any instant,
 * a message and its UIDL are both stored or neither is. Storing a UIDL the store already has adds
 * nothing (commitMessage is idempotent by (account, UIDL)), except that a full message replaces a
 * partial one. Several messages per transaction (see download-messages.ts) cost far less than one each:
 * the full-text index writes its segment once per commit. With the pass's `listing`, a new UIDL whose
 * bytes the store had under a UIDL the server no longer lists takes that message, or what is left of
 * it, over (commitListedPop3): a message deleted here for good stays deleted (DeletedHere, nothing stored).
 */
export function commitMessages(
  writer: WriterContext,
  target: StoreTarget,
  batch: readonly ReadyMessage[],
  options: { arrival?: boolean; listing?: ListingHandle } = {},
): Array<IngestResult | DeletedHere> {
  if (batch.length === 0) return [];
  const { db } = writer;
  const now = Date.now();
  return writeTransaction(db, (changes) => {
    const results = batch.map((message) => {
      const input: IngestInput & { key: { kind: 'pop3' } } = {
        accountId: target.accountId,
        folderId: target.folderId,
        key: { kind: 'pop3', uidl: message.uidl },
        source: message.source,
        parsed: message.parsed,
        encoded: message.encoded,
        bodyStatus: message.bodyStatus,
      };
      const result = options.listing ? commitListedPop3(db, changes, input, options.listing) : commitMessage(db, changes, input);
      // DeletedHere: the UIDL's row was written by the takeover.
      if (result.messageId !== null) recordDownload(db, target.accountId, message.uidl, result.messageId, now);
      return result;
    });
    // New mail in the inbox: mail rules and the junk filter, before this commit's change event.
    if (options.arrival) {
      const arrived = batch.flatMap((message, i) => {
        const result = results[i]!;
        return result.inserted ? [{ id: result.messageId, parsed: message.parsed, header: headerOf(message.source), textComing: false }] : [];
      });
      rulesOnArrival(db, changes, target.accountId, arrived);
    }
    return results;
  });
}

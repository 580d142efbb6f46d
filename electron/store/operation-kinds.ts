import * as z from 'zod';
import type { OperationKind } from '../../shared/contract/sync';

/**
 * Every kind of operation the queue holds (table pending_ops), as one zod discriminated union over
 * `{ kind, payload }`. `parseOperation` is the only place a stored payload is read back; the queue module
 * (operation-queue.ts) calls it, and everything else gets typed operations from there. A payload that does
 * not parse is a damaged operation: refused with OPERATION_DAMAGED, never replayed, never a crash.
 *
 * Adding a kind: its name in `operationKinds` (shared/contract/sync.ts), its payload schema here, then the
 * engines that can carry it plan it (their ActionPlanner) and replay it (their replay loop); an engine that
 * meets a kind it does not replay refuses it with a clear message. docs/operation-queue.md has the longer
 * version.
 */

const rowId = z.number().int().positive();
const uid = z.number().int().positive();
const uidvalidity = z.number().int().nonnegative();
const path = z.string().min(1);

/** A folder of the account, by row and by its path on the server. */
const folderRef = z.strictObject({ folderId: rowId, path });

/** Where a message was on the server when the user acted on it. */
const serverPlace = z.strictObject({ folderId: rowId, path, uidvalidity });

/** One message of a move, copy, delete or expunge: its row and the UID it had in the source folder. */
const opItem = z.strictObject({ messageId: rowId, uid });

/**
 * Messages whose server place is decided by an earlier operation that was already sent (its command may
 * have been carried out when the process died, or is on its way now): this operation acts on them only
 * once that one has finished and said where the server has them (resolveFollowers). Taking it over would
 * replay it from a place the message may have left.
 */
const waitingOn = z.strictObject({
  opId: rowId,
  /** Where that operation puts the messages on the server. */
  at: folderRef,
  messageIds: z.array(rowId),
});

/**
 * Mark read/unread, flag/unflag, keywords: the messages' current server place is looked up at replay
 * time. `before` is each message's state of these flags when the user acted (the flags it had among
 * `add` and `remove`), so a refusal rolls every row back to its own previous state.
 */
const flagsPayload = z.strictObject({
  add: z.array(z.string().min(1)),
  remove: z.array(z.string().min(1)),
  // Operations queued before the operation-queue migration have none: their rows come back with the folder's next full flag sync.
  before: z.array(z.strictObject({ messageId: rowId, had: z.array(z.string().min(1)) })).default([]),
});

/** Move within one account. The rows already sit in `to` (uid NULL) until the server confirms. */
const movePayload = z.strictObject({
  /** Null while every message still waits on `after`. */
  from: serverPlace.nullable(),
  to: folderRef,
  items: z.array(opItem),
  after: waitingOn.optional(),
});

/**
 * Copy within one account: the copies exist locally at once (`copyId`, uid NULL in `to`) and take the
 * UID the server gives them (COPYUID) or are re-matched by the target's next sync.
 */
const copyPayload = z.strictObject({
  from: serverPlace,
  to: folderRef,
  items: z.array(z.strictObject({ messageId: rowId, uid, copyId: rowId })),
});

/** Delete to the account's Trash: replayed like a move (the rows sit in Trash with uid NULL meanwhile). */
const deletePayload = z.strictObject({
  from: serverPlace.nullable(),
  trash: folderRef,
  items: z.array(opItem),
  after: waitingOn.optional(),
});

/**
 * Removed from the server for good: \Deleted + UID EXPUNGE of exactly these UIDs (a delete where there is
 * no Trash or the message is in Trash already, "delete permanently", the server's copy of a message moved
 * to another account). The rows are hidden (deleted_locally = 1) or gone until the server confirms.
 */
const expungePayload = z.strictObject({
  from: serverPlace.nullable(),
  items: z.array(opItem),
  after: waitingOn.optional(),
});

/**
 * A folder made here: its row exists at once (`folderId`); the server gets CREATE (and SUBSCRIBE). A folder
 * made on demand for a special use (Trash, Archive) asks for it with CREATE-SPECIAL-USE (RFC 6154 section
 * 3) where the server has it, else is made by its usual name.
 */
const folderCreatePayload = z.strictObject({
  folderId: rowId,
  path,
  subscribe: z.boolean(),
  specialUse: z.enum(['trash', 'archive']).optional(),
});

/** RENAME of the folder `folderId` from `from` to `to` (full paths, the server's delimiter). */
const folderRenamePayload = z.strictObject({ folderId: rowId, from: path, to: path });

/** DELETE of a folder; its row is already gone (or hidden), so it is named by path. */
const folderDeletePayload = z.strictObject({ folderId: rowId.nullable(), path });

/** SUBSCRIBE or UNSUBSCRIBE. */
const folderSubscribePayload = z.strictObject({ path, subscribed: z.boolean() });

/**
 * Submit an outbox item (its built message, envelope and state are in the outbox's own table). The queue
 * orders it with the account's other operations; the outbox keeps what submission needs to be safe.
 */
const sendPayload = z.strictObject({ outboxId: rowId });

/**
 * APPEND the stored message `messageId` (its exact bytes) to a folder of the account's server: the Sent
 * copy of a sent message, a draft. The row sits in `to` with uid NULL until the server tells its UID
 * (APPENDUID) or the folder's next sync matches it.
 */
const appendPayload = z.strictObject({
  messageId: rowId,
  to: folderRef,
  flags: z.array(z.string().min(1)),
  /**
   * A message moved here from another account: where it was (that account and folder). Discarding a
   * refused upload puts the row back there; the other account's removal of its copy waits for this
   * operation (`requires`) and is refused with it, so the message is never in neither place.
   */
  origin: z.strictObject({ accountId: z.string().min(1), folderId: rowId }).optional(),
});

export const operationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('flags'), payload: flagsPayload }),
  z.strictObject({ kind: z.literal('move'), payload: movePayload }),
  z.strictObject({ kind: z.literal('copy'), payload: copyPayload }),
  z.strictObject({ kind: z.literal('delete'), payload: deletePayload }),
  z.strictObject({ kind: z.literal('expunge'), payload: expungePayload }),
  z.strictObject({ kind: z.literal('folder-create'), payload: folderCreatePayload }),
  z.strictObject({ kind: z.literal('folder-rename'), payload: folderRenamePayload }),
  z.strictObject({ kind: z.literal('folder-delete'), payload: folderDeletePayload }),
  z.strictObject({ kind: z.literal('folder-subscribe'), payload: folderSubscribePayload }),
  z.strictObject({ kind: z.literal('send'), payload: sendPayload }),
  z.strictObject({ kind: z.literal('append'), payload: appendPayload }),
]);

/** One operation: its kind and its payload, typed together. */
export type Operation = z.output<typeof operationSchema>;
/** The payload of one kind, as written (defaults may be left out). */
export type PayloadOf<K extends OperationKind> = z.input<typeof operationSchema> extends infer O ? (O extends { kind: K; payload: infer P } ? P : never) : never;
/** The payload of one kind, as read back. */
export type ParsedPayloadOf<K extends OperationKind> = Extract<Operation, { kind: K }>['payload'];

export type FlagsPayload = ParsedPayloadOf<'flags'>;
export type MovePayload = ParsedPayloadOf<'move'>;
export type CopyPayload = ParsedPayloadOf<'copy'>;
export type DeletePayload = ParsedPayloadOf<'delete'>;
export type ExpungePayload = ParsedPayloadOf<'expunge'>;
export type AppendPayload = ParsedPayloadOf<'append'>;
export type FolderCreatePayload = ParsedPayloadOf<'folder-create'>;
export type ServerPlace = z.output<typeof serverPlace>;
export type FolderRef = z.output<typeof folderRef>;
export type OpItem = z.output<typeof opItem>;
export type WaitingOn = z.output<typeof waitingOn>;

// The contract's list and the union name the same kinds: a kind added to one and not the other fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsAgree: Same<Operation['kind'], OperationKind> = true;
void kindsAgree;

/**
 * A move, delete or expunge whose first command went out (the `sent` column, migration 0003): when, and the
 * target folder's UIDVALIDITY and UIDNEXT before it (null without a target folder).
 */
const sentMarkSchema = z.strictObject({
  at: z.number(),
  target: z.strictObject({ uidvalidity, uidnext: z.number().int().positive() }).nullable(),
});
export type SentMark = z.output<typeof sentMarkSchema>;

/** The `sent` column read back; a damaged one counts as sent without a known target (the replay looks before sending again). */
export function parseSentMark(text: string | null): SentMark | null {
  if (text === null) return null;
  try {
    const parsed = sentMarkSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // falls through
  }
  return { at: 0, target: null };
}

/** What `parseOperation` makes of a stored row. */
export type ParsedOperation = { ok: true; operation: Operation } | { ok: false; problem: string };

/** The one parser of stored operations. Never throws. */
export function parseOperation(kind: string, payloadJson: string): ParsedOperation {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch {
    return { ok: false, problem: 'its stored data is not valid JSON' };
  }
  const parsed = operationSchema.safeParse({ kind, payload });
  if (parsed.success) return { ok: true, operation: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: issue ? `${issue.path.join('.') || 'kind'}: ${issue.message}` : 'it does not match its kind' };
}

/** The text to store for a payload (checked against its kind first: a bug never writes a damaged row). */
export function serializeOperation(operation: { kind: OperationKind; payload: unknown }): string {
  const parsed = operationSchema.parse(operation);
  return JSON.stringify(parsed.payload);
}

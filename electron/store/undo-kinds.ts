import * as z from 'zod';
import { specialUses } from '../../shared/contract/messages';
import type { UndoKind } from '../../shared/contract/organise';

/**
 * What the undo log keeps of each action (table undo_log), as one zod discriminated union over
 * `{ kind, payload }`: enough to take the action back later, whatever happened meanwhile. It records
 * where things were *before* the action (and where the action put them), never server identities (UIDs):
 * those are looked up when undoing, since a queued operation may have changed them since.
 * `parseUndoPayload` is the only reader of a stored payload (store/undo-log.ts calls it).
 */

const rowId = z.number().int().positive();
const path = z.string().min(1);

/** A folder of an account, by row and by path (the path is what survives the folder being deleted and made again). */
const place = z.strictObject({ accountId: z.string().min(1), folderId: rowId, path });

/** One message of a delete, move or archive: where it was, and where the action put it. */
const movedItem = z.strictObject({ messageId: rowId, from: place, to: place });

const movedPayload = z.strictObject({ items: z.array(movedItem) });

/** Mark read/unread, flag/unflag: each message's state before, for the flags the action changed. */
const markPayload = z.strictObject({
  items: z.array(z.strictObject({ messageId: rowId, seen: z.boolean().optional(), flagged: z.boolean().optional() })),
});

/** Tags added and removed (as keywords), and which of those each message had before. */
const tagPayload = z.strictObject({
  add: z.array(z.string().min(1)),
  remove: z.array(z.string().min(1)),
  items: z.array(z.strictObject({ messageId: rowId, had: z.array(z.string().min(1)) })),
});

const folderCreatePayload = z.strictObject({ accountId: z.string().min(1), folderId: rowId, path });

const folderRenamePayload = z.strictObject({ accountId: z.string().min(1), folderId: rowId, from: path, to: path });

/**
 * A folder deleted with its subfolders (parents first) and the messages that went to Trash from them:
 * undoing makes the folders again (or cancels the queued DELETE) and moves the messages back.
 */
const folderDeletePayload = z.strictObject({
  accountId: z.string().min(1),
  folders: z.array(z.strictObject({ folderId: rowId, path, specialUse: z.enum(specialUses).nullable(), subscribed: z.boolean() })),
  items: z.array(z.strictObject({ messageId: rowId, path, trashFolderId: rowId })),
});

/**
 * Junk or Not junk (`junk` says which): per message where it was when the verdict moved it (null: it
 * stayed), which of `$Junk` / `$NotJunk` it had, and what the junk filter had learnt from it before.
 */
const junkPayload = z.strictObject({
  junk: z.boolean(),
  items: z.array(
    z.strictObject({
      messageId: rowId,
      from: place.nullable(),
      had: z.array(z.string().min(1)),
      trained: z.enum(['junk', 'not-junk']).nullable(),
    }),
  ),
});

export const undoSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('delete'), payload: movedPayload }),
  z.strictObject({ kind: z.literal('move'), payload: movedPayload }),
  z.strictObject({ kind: z.literal('archive'), payload: movedPayload }),
  z.strictObject({ kind: z.literal('mark'), payload: markPayload }),
  z.strictObject({ kind: z.literal('tag'), payload: tagPayload }),
  z.strictObject({ kind: z.literal('folder-create'), payload: folderCreatePayload }),
  z.strictObject({ kind: z.literal('folder-rename'), payload: folderRenamePayload }),
  z.strictObject({ kind: z.literal('folder-delete'), payload: folderDeletePayload }),
  z.strictObject({ kind: z.literal('junk'), payload: junkPayload }),
]);

export type UndoAction = z.output<typeof undoSchema>;
export type UndoPayloadOf<K extends UndoKind> = Extract<UndoAction, { kind: K }>['payload'];
export type MovedItem = z.output<typeof movedItem>;
export type UndoPlace = z.output<typeof place>;

// The contract's list and the union name the same kinds.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsAgree: Same<UndoAction['kind'], UndoKind> = true;
void kindsAgree;

/** The one parser of stored undo payloads; null for a row it cannot read (such an entry cannot be undone). */
export function parseUndoPayload(kind: string, payloadJson: string): UndoAction | null {
  try {
    const parsed = undoSchema.safeParse({ kind, payload: JSON.parse(payloadJson) });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The text to store (checked against its kind first: a bug never writes an entry that cannot be undone). */
export function serializeUndoPayload(action: UndoAction): string {
  return JSON.stringify(undoSchema.parse(action).payload);
}

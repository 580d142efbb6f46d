/**
 * Ids of messages and folders are never given out twice (migration 0017): what still names a deleted row
 * (the undo log, a rule's target folder, the junk filter's training record, a script holding an id from
 * `homing list`) must never name a new one. SQLite gives an INTEGER PRIMARY KEY the largest id plus one,
 * so the newest row's id came back once it was deleted. `id_floors` keeps the largest id ever deleted
 * (triggers), and every INSERT of a message or folder names its id with these expressions: the larger of
 * that floor and the largest id in use, plus one. One lookup in a one-row table and the last entry of
 * the table's b-tree; no trigger on the insert (ingest keeps its statements trigger-free, migration 0004).
 */
export const NEXT_MESSAGE_ID = `(SELECT max(floor, coalesce((SELECT max(id) FROM messages), 0)) + 1 FROM id_floors WHERE name = 'messages')`;
export const NEXT_FOLDER_ID = `(SELECT max(floor, coalesce((SELECT max(id) FROM folders), 0)) + 1 FROM id_floors WHERE name = 'folders')`;

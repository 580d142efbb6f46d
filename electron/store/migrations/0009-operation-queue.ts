import type BetterSqlite3 from 'better-sqlite3';

/**
 * The operation queue takes every kind of operation (store/operation-kinds.ts): the CHECK on `kind` goes,
 * since the one parser of payloads decides what a kind is (a row it cannot read is refused with
 * OPERATION_DAMAGED), so a new kind needs no migration. `requires` names another operation, possibly of
 * another account, that must reach its server first (a cross-account move: the copy before the delete);
 * it clears when that one completes.
 *
 * Rows carried over: a `delete` without a Trash folder (\Deleted + EXPUNGE) becomes an `expunge`; the
 * never-queued `pop3-delete` kind goes. SQLite cannot change a CHECK in place, so both queue tables are
 * rebuilt, the messages table first copied aside (dropping the parent would cascade into it).
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE pending_ops_v5 (
      id            INTEGER PRIMARY KEY,
      account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      kind          TEXT NOT NULL,            -- checked by parseOperation (operation-kinds.ts)
      payload       TEXT NOT NULL,            -- JSON, shape per kind
      state         TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'refused')),
      attempts      INTEGER NOT NULL DEFAULT 0,
      error_code    TEXT,
      error_message TEXT,
      created_at    INTEGER NOT NULL,
      sent          TEXT,
      requires      INTEGER REFERENCES pending_ops_v5(id) ON DELETE SET NULL
    ) STRICT;
    INSERT INTO pending_ops_v5 (id, account_id, kind, payload, state, attempts, error_code, error_message, created_at, sent)
      SELECT id, account_id,
             CASE WHEN kind = 'delete' AND json_type(payload, '$.trash') IS NOT 'object' THEN 'expunge' ELSE kind END,
             CASE WHEN kind = 'delete' AND json_type(payload, '$.trash') IS NOT 'object' AND json_valid(payload)
                  THEN json_remove(payload, '$.trash') ELSE payload END,
             state, attempts, error_code, error_message, created_at, sent
      FROM pending_ops WHERE kind != 'pop3-delete';
    CREATE TABLE pending_op_messages_v5 (
      op_id      INTEGER NOT NULL REFERENCES pending_ops_v5(id) ON DELETE CASCADE,
      message_id INTEGER NOT NULL,
      PRIMARY KEY (op_id, message_id)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO pending_op_messages_v5 (op_id, message_id)
      SELECT op_id, message_id FROM pending_op_messages WHERE op_id IN (SELECT id FROM pending_ops_v5);
    DROP TABLE pending_op_messages;
    DROP TABLE pending_ops;
    ALTER TABLE pending_ops_v5 RENAME TO pending_ops;
    ALTER TABLE pending_op_messages_v5 RENAME TO pending_op_messages;
    CREATE INDEX pending_ops_account ON pending_ops (account_id, state, id);
    CREATE INDEX pending_ops_requires ON pending_ops (requires) WHERE requires IS NOT NULL;
    CREATE INDEX pending_op_messages_message ON pending_op_messages (message_id);
  `);
}

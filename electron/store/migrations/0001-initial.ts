import type BetterSqlite3 from 'better-sqlite3';

/**
 * The first schema. Dates are milliseconds since the epoch (UTC); booleans are 0/1; JSON columns hold
 * arrays or objects written by the code beside each table in store/.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE accounts (
      id                  TEXT PRIMARY KEY,
      name                TEXT NOT NULL,
      email               TEXT NOT NULL,
      protocol            TEXT NOT NULL CHECK (protocol IN ('imap', 'pop3', 'local')),
      host                TEXT,
      port                INTEGER,
      security            TEXT CHECK (security IN ('tls', 'starttls', 'none')),
      username            TEXT,
      trusted_fingerprint TEXT,               -- pinned SHA-256 (lowercase hex) of the server certificate
      settings            TEXT NOT NULL DEFAULT '{}',  -- AccountSettings as JSON
      created_at          INTEGER NOT NULL,
      sort_order          INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE folders (
      id             INTEGER PRIMARY KEY,
      account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      path           TEXT NOT NULL,           -- the server's path, decoded to Unicode
      name           TEXT NOT NULL,
      parent_path    TEXT,
      delimiter      TEXT,
      special_use    TEXT,                    -- inbox, sent, drafts, trash, junk, archive, all, flagged
      subscribed     INTEGER NOT NULL DEFAULT 1,
      uidvalidity    INTEGER,
      uidnext        INTEGER,
      highestmodseq  INTEGER,
      sync_state     TEXT NOT NULL DEFAULT '{}',  -- engine-specific progress as JSON
      last_synced_at INTEGER,
      -- Counts of visible messages (deleted_locally = 0), kept by the triggers below whoever writes
      -- messages, so listing folders never scans 100,000 rows.
      total_count    INTEGER NOT NULL DEFAULT 0,
      unread_count   INTEGER NOT NULL DEFAULT 0,
      offline_count  INTEGER NOT NULL DEFAULT 0,
      UNIQUE (account_id, path)
    ) STRICT;
    CREATE INDEX folders_special_use ON folders (special_use) WHERE special_use IS NOT NULL;

    CREATE TABLE threads (
      id          INTEGER PRIMARY KEY,
      account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      subject_key TEXT NOT NULL,              -- normalised subject, for the subject fallback
      last_date   INTEGER
    ) STRICT;
    CREATE INDEX threads_subject ON threads (account_id, subject_key, last_date);

    -- Every Message-ID seen in an account (a message's own, or one it references) and its thread, so a
    -- reply that arrives before its parent still joins it (store/threads.ts).
    CREATE TABLE thread_links (
      account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      message_id TEXT NOT NULL,
      thread_id  INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
      PRIMARY KEY (account_id, message_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX thread_links_thread ON thread_links (thread_id);

    CREATE TABLE messages (
      id              INTEGER PRIMARY KEY,
      account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      folder_id       INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
      uidvalidity     INTEGER,                -- IMAP sync key: (folder_id, uidvalidity, uid)
      uid             INTEGER,
      uidl            TEXT,                   -- POP3 sync key: (account_id, uidl)
      message_id      TEXT,
      in_reply_to     TEXT,
      refs            TEXT NOT NULL DEFAULT '[]',
      subject         TEXT NOT NULL DEFAULT '',
      from_name       TEXT,
      from_address    TEXT,
      to_json         TEXT NOT NULL DEFAULT '[]',
      cc_json         TEXT NOT NULL DEFAULT '[]',
      date            INTEGER NOT NULL,       -- sort key: Date header, else INTERNALDATE, else arrival
      date_known      INTEGER NOT NULL DEFAULT 1,  -- 0: no usable Date header or INTERNALDATE (shown as no date)
      internal_date   INTEGER,
      seen            INTEGER NOT NULL DEFAULT 0,
      flagged         INTEGER NOT NULL DEFAULT 0,
      answered        INTEGER NOT NULL DEFAULT 0,
      draft           INTEGER NOT NULL DEFAULT 0,
      keywords        TEXT NOT NULL DEFAULT '[]',
      modseq          INTEGER,
      size            INTEGER NOT NULL,
      has_attachments INTEGER NOT NULL DEFAULT 0,
      thread_id       INTEGER REFERENCES threads(id) ON DELETE SET NULL,
      snippet         TEXT NOT NULL DEFAULT '',
      parse_status    TEXT NOT NULL DEFAULT 'ok' CHECK (parse_status IN ('ok', 'failed')),
      body_status     TEXT NOT NULL DEFAULT 'full' CHECK (body_status IN ('full', 'headers', 'partial')),
      content_hash    TEXT,                   -- SHA-256 (hex) of the raw source: local dedup, re-match after UIDVALIDITY changes
      mbox_from       TEXT,                   -- mbox import: the From_ line with its line end (latin1), written back on export
      mbox_separator  TEXT,                   -- mbox import: the empty line after the message (LF, CRLF or none)
      deleted_locally INTEGER NOT NULL DEFAULT 0,  -- hidden, waiting for the server to confirm
      added_at        INTEGER NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX messages_imap_key ON messages (folder_id, uidvalidity, uid) WHERE uid IS NOT NULL;
    CREATE UNIQUE INDEX messages_pop3_key ON messages (account_id, uidl) WHERE uidl IS NOT NULL;
    -- Keyset paging of a folder and of the unified inbox; partial so hidden rows cost nothing and the
    -- index alone answers listMessageIds.
    CREATE INDEX messages_folder_date ON messages (folder_id, date DESC, id DESC) WHERE deleted_locally = 0;
    -- Search results and filter-only searches, newest first across folders.
    CREATE INDEX messages_date ON messages (date DESC, id DESC) WHERE deleted_locally = 0;
    CREATE INDEX messages_thread ON messages (thread_id, deleted_locally);  -- covers the thread counts of a page
    CREATE INDEX messages_message_id ON messages (message_id);
    CREATE INDEX messages_hash ON messages (folder_id, content_hash);
    -- Key sets for search filters (store/search.ts): a filter is a semi-join of the FTS5 matches with
    -- the search keys (date, id) of the messages that pass it, read from these partial indexes alone.
    CREATE INDEX messages_hidden ON messages (date, id) WHERE deleted_locally = 1;
    CREATE INDEX messages_attached_keys ON messages (date, id) WHERE has_attachments = 1 AND deleted_locally = 0;
    CREATE INDEX messages_unread_keys ON messages (date, id) WHERE seen = 0 AND deleted_locally = 0;
    CREATE INDEX messages_flagged_keys ON messages (date, id) WHERE flagged = 1 AND deleted_locally = 0;
    CREATE INDEX messages_answered_keys ON messages (date, id) WHERE answered = 1 AND deleted_locally = 0;
    CREATE INDEX messages_account_keys ON messages (account_id, date, id) WHERE deleted_locally = 0;

    -- Counts per folder, whoever changes messages (ingest, flag sync, local delete, move).
    CREATE TRIGGER messages_count_insert AFTER INSERT ON messages WHEN new.deleted_locally = 0 BEGIN
      UPDATE folders SET total_count = total_count + 1, unread_count = unread_count + (new.seen = 0),
        offline_count = offline_count + (new.body_status = 'full') WHERE id = new.folder_id;
    END;
    CREATE TRIGGER messages_count_delete AFTER DELETE ON messages WHEN old.deleted_locally = 0 BEGIN
      UPDATE folders SET total_count = total_count - 1, unread_count = unread_count - (old.seen = 0),
        offline_count = offline_count - (old.body_status = 'full') WHERE id = old.folder_id;
    END;
    CREATE TRIGGER messages_count_update AFTER UPDATE OF folder_id, seen, deleted_locally, body_status ON messages BEGIN
      UPDATE folders SET total_count = total_count - 1, unread_count = unread_count - (old.seen = 0),
        offline_count = offline_count - (old.body_status = 'full') WHERE id = old.folder_id AND old.deleted_locally = 0;
      UPDATE folders SET total_count = total_count + 1, unread_count = unread_count + (new.seen = 0),
        offline_count = offline_count + (new.body_status = 'full') WHERE id = new.folder_id AND new.deleted_locally = 0;
    END;

    -- The exact RFC 822 bytes of every message, kept even when parsing fails. Large messages are split
    -- into chunks (seq 0, 1, ...) so neither writing nor reading one needs it whole in memory; each chunk
    -- is stored as is or deflated (zlib), which inflates back to the same bytes (store/message-sources.ts).
    CREATE TABLE message_sources (
      message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      seq         INTEGER NOT NULL DEFAULT 0,
      compression TEXT NOT NULL DEFAULT 'none' CHECK (compression IN ('none', 'deflate')),
      raw         BLOB NOT NULL,
      PRIMARY KEY (message_id, seq)
    ) STRICT;

    CREATE TABLE attachments (
      id           INTEGER PRIMARY KEY,
      message_id   INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      part_index   INTEGER NOT NULL,          -- position among the message's attachments, to find the bytes again
      filename     TEXT NOT NULL,
      content_type TEXT NOT NULL,
      size         INTEGER NOT NULL,
      content_id   TEXT,
      inline       INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX attachments_message ON attachments (message_id);

    -- People seen in mail, and what the user allowed for them.
    CREATE TABLE addresses (
      address                TEXT PRIMARY KEY COLLATE NOCASE,
      name                   TEXT,
      last_seen              INTEGER,
      allow_remote_content   INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    -- Local changes waiting to reach the server, replayed in id order.
    CREATE TABLE pending_ops (
      id            INTEGER PRIMARY KEY,
      account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      kind          TEXT NOT NULL CHECK (kind IN ('flags', 'move', 'delete', 'pop3-delete')),
      payload       TEXT NOT NULL,            -- JSON, shape per kind
      state         TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'refused')),
      attempts      INTEGER NOT NULL DEFAULT 0,
      error_code    TEXT,
      error_message TEXT,
      created_at    INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX pending_ops_account ON pending_ops (account_id, state, id);

    CREATE TABLE pending_op_messages (
      op_id      INTEGER NOT NULL REFERENCES pending_ops(id) ON DELETE CASCADE,
      message_id INTEGER NOT NULL,
      PRIMARY KEY (op_id, message_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX pending_op_messages_message ON pending_op_messages (message_id);

    -- Full-text index. Its rowid is the search key of store/search-key.ts, (date in seconds << 30) | id,
    -- so FTS5 hands out matches newest first by itself (ORDER BY rowid DESC stops after a page) and a
    -- date range is a rowid range. CJK runs are split into single characters (joined by U+200B, which
    -- unicode61 treats as a separator) before indexing and querying (mime/search-text.ts), so a CJK word
    -- is found as a phrase of characters.
    CREATE VIRTUAL TABLE message_search USING fts5 (
      subject, sender, recipients, body, attachments,
      tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
      DELETE FROM message_search WHERE rowid = ((max(0, min(old.date / 1000, 4294967295)) << 30) | old.id);
    END;
    CREATE TRIGGER messages_search_redate AFTER UPDATE OF date ON messages WHEN old.date / 1000 != new.date / 1000 BEGIN
      UPDATE message_search SET rowid = ((max(0, min(new.date / 1000, 4294967295)) << 30) | new.id)
      WHERE rowid = ((max(0, min(old.date / 1000, 4294967295)) << 30) | old.id);
    END;

    INSERT INTO accounts (id, name, email, protocol, settings, created_at, sort_order)
    VALUES ('local', 'Local Folders', '', 'local', '{}', CAST(unixepoch('subsec') * 1000 AS INTEGER), -1);
  `);
}

import type BetterSqlite3 from 'better-sqlite3';

/**
 * Recipient suggestions (store/contacts.ts): one row per address the user wrote to, read from the
 * messages of their Sent folders (`contacts_scan` remembers how far), with a prefix index over names and
 * addresses. `forgotten_at` is "remove this suggestion": set, the address is not suggested until a message
 * written to it after that moment shows up in Sent.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE contacts (
      id           INTEGER PRIMARY KEY,
      address      TEXT NOT NULL UNIQUE COLLATE NOCASE,
      name         TEXT NOT NULL DEFAULT '',
      times_used   INTEGER NOT NULL DEFAULT 0,
      last_used    INTEGER NOT NULL,          -- ms since the epoch: the newest message written to it
      forgotten_at INTEGER                    -- "remove this suggestion", or NULL
    ) STRICT;

    CREATE TABLE contacts_scan (
      id              INTEGER PRIMARY KEY CHECK (id = 1),
      last_message_id INTEGER NOT NULL        -- messages.id up to which Sent folders were read
    ) STRICT;
    INSERT INTO contacts_scan (id, last_message_id) VALUES (1, 0);

    -- Words of names and addresses (ann, example, org), prefixes of 1 to 3 characters indexed so that
    -- the first keystrokes are answered from the index; diacritics folded (müll finds Müller).
    CREATE VIRTUAL TABLE contacts_search USING fts5 (
      name, address, content = 'contacts', content_rowid = 'id',
      tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
    );
    CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
      INSERT INTO contacts_search (rowid, name, address) VALUES (new.id, new.name, new.address);
    END;
    CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, address ON contacts BEGIN
      INSERT INTO contacts_search (contacts_search, rowid, name, address) VALUES ('delete', old.id, old.name, old.address);
      INSERT INTO contacts_search (rowid, name, address) VALUES (new.id, new.name, new.address);
    END;
    CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
      INSERT INTO contacts_search (contacts_search, rowid, name, address) VALUES ('delete', old.id, old.name, old.address);
    END;
  `);
}

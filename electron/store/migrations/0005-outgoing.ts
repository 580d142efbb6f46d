import type BetterSqlite3 from 'better-sqlite3';

/**
 * Sending mail: the account's outgoing server, identities, drafts and the outbox (store/outbox.ts has
 * the state machine; shared/contract/outgoing.ts says what each state means to the user).
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- OutgoingServer as JSON without secrets ({host, port, security, username, passwordSource,
    -- trustedFingerprint}), or NULL: the account cannot send. An own password is in the vault.
    ALTER TABLE accounts ADD COLUMN smtp TEXT;

    CREATE TABLE identities (
      id             INTEGER PRIMARY KEY,
      account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      name           TEXT NOT NULL DEFAULT '',
      address        TEXT NOT NULL,
      reply_to       TEXT,
      signature_text TEXT NOT NULL DEFAULT '',
      signature_html TEXT NOT NULL DEFAULT '',
      is_default     INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX identities_account ON identities (account_id, is_default DESC, id);
    -- Every mail account gets the identity it always implied: its own address.
    INSERT INTO identities (account_id, name, address, is_default)
      SELECT id, CASE WHEN name = email THEN '' ELSE name END, email, 1 FROM accounts WHERE protocol != 'local';

    -- Messages being written. The local row is the truth (saved at every keystroke pause); the server
    -- copy in Drafts follows it. Only the copy we appended (server_uid under server_uidvalidity) is ever
    -- removed: a copy someone else changed is a message of its own and stays.
    CREATE TABLE drafts (
      id                   INTEGER PRIMARY KEY,
      account_id           TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      content              TEXT NOT NULL,      -- ComposeContent as JSON
      message_id           TEXT NOT NULL,      -- the Message-ID every server copy of this draft carries
      revision             INTEGER NOT NULL DEFAULT 1,
      server_revision      INTEGER,            -- the revision the server copy holds (NULL: none yet)
      server_folder        TEXT,               -- where our copy is: folder path, UIDVALIDITY, UID
      server_uidvalidity   INTEGER,
      server_uid           INTEGER,
      server_error_code    TEXT,
      server_error_message TEXT,
      created_at           INTEGER NOT NULL,
      updated_at           INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX drafts_account ON drafts (account_id, updated_at DESC);

    -- One row per message handed to "Send": the final bytes and the envelope, built once. State machine:
    -- queued -> sending -> sent -> filed; uncertain and failed wait for the user. handed_over is set (in
    -- its own commit) after the last byte went to the server and before the final dot: a process that
    -- dies while 'sending' is retried when handed_over = 0 and becomes 'uncertain' when it is 1.
    CREATE TABLE outbox (
      id              INTEGER PRIMARY KEY,
      account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      identity_id     INTEGER REFERENCES identities(id) ON DELETE SET NULL,
      message_id      TEXT NOT NULL,           -- the Message-ID header, without angle brackets
      subject         TEXT NOT NULL DEFAULT '',
      from_name       TEXT NOT NULL DEFAULT '',
      from_address    TEXT NOT NULL,
      envelope_from   TEXT NOT NULL,           -- MAIL FROM
      recipients      TEXT NOT NULL,           -- RCPT TO, JSON array
      raw             BLOB NOT NULL,           -- the exact bytes submitted, filed and stored
      size            INTEGER NOT NULL,
      state           TEXT NOT NULL DEFAULT 'queued'
                      CHECK (state IN ('queued', 'sending', 'sent', 'filed', 'uncertain', 'failed')),
      handed_over     INTEGER NOT NULL DEFAULT 0,
      not_before      INTEGER,                 -- ms: the undo delay, "send later", the next retry
      attempts        INTEGER NOT NULL DEFAULT 0,
      error_code      TEXT,
      error_message   TEXT,
      error_detail    TEXT,                    -- JSON
      rejected        TEXT NOT NULL DEFAULT '[]',  -- recipients refused while the others got it, JSON
      sent_at         INTEGER,
      append_started  INTEGER,                 -- ms: an APPEND of the Sent copy went out (it may be there)
      filing_attempts INTEGER NOT NULL DEFAULT 0,
      sent_copy       TEXT CHECK (sent_copy IN ('appended', 'server', 'local')),
      filed_at        INTEGER,
      response_to     TEXT,                    -- ResponseTo as JSON: the original gets \\Answered or $Forwarded
      content         TEXT NOT NULL,           -- the ComposeContent it was built from: a cancel makes it a draft again
      created_at      INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX outbox_due ON outbox (state, not_before);
    CREATE INDEX outbox_account ON outbox (account_id, id);
  `);
}

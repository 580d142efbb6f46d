import type BetterSqlite3 from 'better-sqlite3';

/**
 * Mail rules and junk (store/rules.ts, store/junk.ts; docs/rules.md).
 * - rules: a query in the search language plus ordered actions (JSON, shared/contract/rules.ts), for one
 *   account or all (account_id NULL), in `position` order. `broken_*` is set when an action could not be
 *   carried out (its folder was deleted): the rule is skipped until it is saved again.
 * - rule_runs: which rule acted on which message, so a message is never processed twice by one rule (a
 *   re-sync, a rule loop, "run now" twice). Written in the transaction that applies the actions.
 * - rule_arrivals: messages stored by a sync whose rules still wait for their text (IMAP stores headers
 *   first): run when the body is stored, or with what is there when no body comes in this pass.
 * - junk_*: the classifier's token counts (Robinson-Fisher, store/junk.ts), how many messages trained
 *   each side, which messages trained it and how (so a changed mind untrains first), and the settings.
 * - pop3_uidls.server_policy: a rule's word on the server's copy of one POP3 message ('keep': never
 *   deleted there whatever the account's policy; 'delete': deleted at the next check once stored in full).
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE rules (
      id             INTEGER PRIMARY KEY,
      name           TEXT NOT NULL,
      query          TEXT NOT NULL,             -- the search language, as the user wrote it
      actions        TEXT NOT NULL,             -- RuleAction[] as JSON
      account_id     TEXT REFERENCES accounts(id) ON DELETE CASCADE,  -- NULL: every account
      enabled        INTEGER NOT NULL DEFAULT 1,
      position       INTEGER NOT NULL,
      broken_code    TEXT,
      broken_message TEXT,
      broken_at      INTEGER,
      created_at     INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX rules_position ON rules (position, id);

    CREATE TABLE rule_runs (
      rule_id    INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      at         INTEGER NOT NULL,
      PRIMARY KEY (rule_id, message_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX rule_runs_message ON rule_runs (message_id);

    CREATE TABLE rule_arrivals (
      message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
      folder_id  INTEGER NOT NULL,
      since      INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX rule_arrivals_folder ON rule_arrivals (folder_id);

    CREATE TABLE junk_tokens (
      token TEXT PRIMARY KEY,
      ham   INTEGER NOT NULL DEFAULT 0,           -- messages marked "not junk" with this token
      spam  INTEGER NOT NULL DEFAULT 0            -- messages marked junk with it
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE junk_trained (
      message_id INTEGER PRIMARY KEY,             -- no foreign key: the training stays when the message goes
      verdict    TEXT NOT NULL CHECK (verdict IN ('junk', 'not-junk')),
      tokens     TEXT NOT NULL,                   -- the tokens it counted, JSON, to untrain it exactly
      at         INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE junk_state (
      id              INTEGER PRIMARY KEY CHECK (id = 1),
      ham_messages    INTEGER NOT NULL DEFAULT 0,
      spam_messages   INTEGER NOT NULL DEFAULT 0,
      settings        TEXT NOT NULL DEFAULT '{}'  -- JunkSettings as JSON
    ) STRICT;
    INSERT INTO junk_state (id) VALUES (1);

    ALTER TABLE pop3_uidls ADD COLUMN server_policy TEXT CHECK (server_policy IN ('keep', 'delete'));
  `);
}

import { randomUUID } from 'node:crypto';
import {
  type Account,
  type AccountSettings,
  accountSettingsSchema,
  defaultAccountSettings,
  LOCAL_ACCOUNT_ID,
  type OutgoingServer,
  type Protocol,
  type Security,
  securitySchema,
} from '../../shared/contract/accounts';
import { capabilitiesOf } from '../../shared/account-capabilities';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import { breakRulesTargeting } from './rule-breakage';
import type { ChangeRecorder } from './write-transaction';

interface AccountRow {
  id: string;
  name: string;
  email: string;
  protocol: Protocol | 'local';
  host: string | null;
  port: number | null;
  security: Security | null;
  username: string | null;
  trusted_fingerprint: string | null;
  settings: string;
  smtp: string | null;
  created_at: number;
}

const COLUMNS = 'id, name, email, protocol, host, port, security, username, trusted_fingerprint, settings, smtp, created_at';

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    protocol: row.protocol,
    host: row.host,
    port: row.port,
    security: row.security,
    username: row.username,
    trustedFingerprint: row.trusted_fingerprint,
    settings: parseSettings(row.settings),
    smtp: parseOutgoing(row.smtp),
    capabilities: capabilitiesOf(row.protocol),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * The settings texts last validated, and what they gave: an account is read for every action a rule or
 * the sync plans, and zod's check of the settings was most of that (0.12 s of 0.23 s reading accounts in
 * a 10k POP3 sync with 50 rules). The text is the key, so a change is seen at once; each caller gets its
 * own copy.
 */
const parsedSettings = new Map<string, AccountSettings>();
const PARSED_SETTINGS_KEPT = 32;

function parseSettings(json: string): AccountSettings {
  let settings = parsedSettings.get(json);
  if (!settings) {
    if (parsedSettings.size >= PARSED_SETTINGS_KEPT) parsedSettings.clear();
    settings = validSettings(json);
    parsedSettings.set(json, settings);
  }
  return copySettings(settings);
}

/** A copy a caller may change: the settings' values are primitives or flat objects (offlineScope, pop3Delete, passwordSource). */
function copySettings(settings: AccountSettings): AccountSettings {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) copy[key] = typeof value === 'object' && value !== null ? { ...value } : value;
  return copy as AccountSettings;
}

/** Settings written by an older version may lack newer keys: defaults fill them in. */
function validSettings(json: string): AccountSettings {
  let stored: unknown = {};
  try {
    stored = JSON.parse(json);
  } catch {
    // A damaged settings column must not make the account unreadable.
  }
  const merged = { ...defaultAccountSettings, ...(typeof stored === 'object' && stored ? stored : {}) };
  const parsed = accountSettingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : defaultAccountSettings;
}

/** The outgoing server column; a damaged one reads as none (the account then says it cannot send). */
function parseOutgoing(json: string | null): OutgoingServer | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as Partial<OutgoingServer>;
    if (typeof value.host !== 'string' || typeof value.port !== 'number' || !securitySchema.safeParse(value.security).success) return null;
    return {
      host: value.host,
      port: value.port,
      security: value.security as Security,
      username: typeof value.username === 'string' ? value.username : null,
      passwordSource: value.passwordSource === 'own' ? 'own' : 'incoming',
      trustedFingerprint: typeof value.trustedFingerprint === 'string' ? value.trustedFingerprint : null,
      ...(typeof value.sizeLimit === 'number' && value.sizeLimit > 0 ? { sizeLimit: value.sizeLimit } : {}),
    };
  } catch {
    return null;
  }
}

/** The user's mail accounts. The built-in Local Folders account is not among them (its folders are listed). */
export function listAccounts(db: ReadDb): Account[] {
  return prepare<[], AccountRow>(db, `SELECT ${COLUMNS} FROM accounts WHERE protocol != 'local' ORDER BY sort_order, created_at, id`)
    .all()
    .map(toAccount);
}

export function findAccount(db: ReadDb, id: string): Account | null {
  const row = prepare<[string], AccountRow>(db, `SELECT ${COLUMNS} FROM accounts WHERE id = ?`).get(id);
  return row ? toAccount(row) : null;
}

export function getAccount(db: ReadDb, id: string): Account {
  const account = findAccount(db, id);
  if (!account) throw new HomingError('NOT_FOUND', `No account with id ${id}.`);
  return account;
}

export interface AccountInsert {
  name: string;
  email: string;
  protocol: Protocol;
  host: string;
  port: number;
  security: Security;
  username: string;
  trustedFingerprint: string | null;
  settings: AccountSettings;
  /** The outgoing server; left out: none. */
  smtp?: OutgoingServer | null;
}

export function insertAccount(db: WriteDb, changes: ChangeRecorder, input: AccountInsert): Account {
  const id = randomUUID().replace(/-/g, '').slice(0, 16);
  prepare(
    db,
    `INSERT INTO accounts (id, name, email, protocol, host, port, security, username, trusted_fingerprint, settings, smtp, created_at, sort_order)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM accounts))`,
  ).run(
    id,
    input.name,
    input.email,
    input.protocol,
    input.host,
    input.port,
    input.security,
    input.username,
    input.trustedFingerprint,
    JSON.stringify(input.settings),
    input.smtp ? JSON.stringify(input.smtp) : null,
    Date.now(),
  );
  changes.account(id);
  return getAccount(db, id);
}

/**
 * Keeps the largest message the outgoing server said it takes (SIZE in its EHLO reply, RFC 1870; null when
 * it announced none) each time it is reached, so the composer warns before a message grows past it. Writes
 * (and tells the windows) only when it changed. False when the account has no outgoing server.
 */
export function recordOutgoingSizeLimit(db: WriteDb, changes: ChangeRecorder, id: string, sizeLimit: number | null): boolean {
  const current = getAccount(db, id);
  if (!current.smtp || (current.smtp.sizeLimit ?? null) === sizeLimit) return false;
  const { sizeLimit: _previous, ...rest } = current.smtp;
  const next: OutgoingServer = sizeLimit === null ? rest : { ...rest, sizeLimit };
  prepare(db, 'UPDATE accounts SET smtp = ? WHERE id = ?').run(JSON.stringify(next), id);
  changes.account(id);
  return true;
}

export type AccountUpdate = Partial<Omit<AccountInsert, 'protocol'>>;

export function updateAccount(db: WriteDb, changes: ChangeRecorder, id: string, update: AccountUpdate): Account {
  const current = getAccount(db, id);
  if (current.id === LOCAL_ACCOUNT_ID) throw new HomingError('INVALID_ARGUMENT', 'Local Folders has no server settings.');
  const next = {
    name: update.name ?? current.name,
    email: update.email ?? current.email,
    host: update.host ?? current.host,
    port: update.port ?? current.port,
    security: update.security ?? current.security,
    username: update.username ?? current.username,
    trustedFingerprint: update.trustedFingerprint !== undefined ? update.trustedFingerprint : current.trustedFingerprint,
    settings: update.settings ?? current.settings,
    smtp: update.smtp !== undefined ? update.smtp : current.smtp,
  };
  prepare(
    db,
    `UPDATE accounts SET name = ?, email = ?, host = ?, port = ?, security = ?, username = ?, trusted_fingerprint = ?, settings = ?, smtp = ?
     WHERE id = ?`,
  ).run(
    next.name,
    next.email,
    next.host,
    next.port,
    next.security,
    next.username,
    next.trustedFingerprint,
    JSON.stringify(next.settings),
    next.smtp ? JSON.stringify(next.smtp) : null,
    id,
  );
  changes.account(id);
  return getAccount(db, id);
}

/** Deletes the account with all its folders, messages and pending operations (foreign keys cascade). */
export function deleteAccount(db: WriteDb, changes: ChangeRecorder, id: string): void {
  if (id === LOCAL_ACCOUNT_ID) throw new HomingError('INVALID_ARGUMENT', 'Local Folders cannot be removed.');
  // A rule of every account that files mail into this one's folders (its own rules go with it).
  const now = Date.now();
  for (const folder of prepare<[string], { id: number; path: string }>(db, 'SELECT id, path FROM folders WHERE account_id = ?').all(id)) {
    breakRulesTargeting(db, changes, folder, 'account removed', now);
  }
  const info = prepare<[string]>(db, 'DELETE FROM accounts WHERE id = ?').run(id);
  if (info.changes === 0) throw new HomingError('NOT_FOUND', `No account with id ${id}.`);
  changes.account(id);
}

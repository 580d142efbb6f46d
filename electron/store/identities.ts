import type { Identity } from '../../shared/contract/outgoing';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import type { ChangeRecorder } from './write-transaction';

interface IdentityRow {
  id: number;
  account_id: string;
  name: string;
  address: string;
  reply_to: string | null;
  signature_text: string;
  signature_html: string;
  is_default: number;
}

const COLUMNS = 'id, account_id, name, address, reply_to, signature_text, signature_html, is_default';

function toIdentity(row: IdentityRow): Identity {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    address: row.address,
    replyTo: row.reply_to,
    signatureText: row.signature_text,
    signatureHtml: row.signature_html,
    isDefault: row.is_default === 1,
  };
}

/** Identities of one account (or all), the default first. */
export function listIdentities(db: ReadDb, accountId?: string): Identity[] {
  const rows = accountId
    ? prepare<[string], IdentityRow>(db, `SELECT ${COLUMNS} FROM identities WHERE account_id = ? ORDER BY is_default DESC, id`).all(accountId)
    : prepare<[], IdentityRow>(db, `SELECT ${COLUMNS} FROM identities ORDER BY account_id, is_default DESC, id`).all();
  return rows.map(toIdentity);
}

export function findIdentity(db: ReadDb, id: number): Identity | null {
  const row = prepare<[number], IdentityRow>(db, `SELECT ${COLUMNS} FROM identities WHERE id = ?`).get(id);
  return row ? toIdentity(row) : null;
}

export function getIdentity(db: ReadDb, id: number): Identity {
  const identity = findIdentity(db, id);
  if (!identity) throw new HomingError('NOT_FOUND', `No identity with id ${id}.`);
  return identity;
}

/** The account's default identity (the first one if none is marked), or null for an account without any. */
export function defaultIdentity(db: ReadDb, accountId: string): Identity | null {
  return listIdentities(db, accountId)[0] ?? null;
}

export interface IdentityFields {
  name: string;
  address: string;
  replyTo: string | null;
  signatureText: string;
  signatureHtml: string;
  isDefault: boolean;
}

/** Adds (id null) or changes an identity; making one the default unmarks the account's previous default. */
export function saveIdentity(db: WriteDb, changes: ChangeRecorder, accountId: string, id: number | null, fields: IdentityFields): Identity {
  const first = listIdentities(db, accountId).length === 0;
  const isDefault = fields.isDefault || first;
  if (isDefault) prepare<[string]>(db, 'UPDATE identities SET is_default = 0 WHERE account_id = ?').run(accountId);
  let identityId = id;
  if (identityId === null) {
    identityId = Number(
      prepare(
        db,
        `INSERT INTO identities (account_id, name, address, reply_to, signature_text, signature_html, is_default) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(accountId, fields.name, fields.address, fields.replyTo, fields.signatureText, fields.signatureHtml, isDefault ? 1 : 0).lastInsertRowid,
    );
  } else {
    const current = getIdentity(db, identityId);
    if (current.accountId !== accountId) throw new HomingError('INVALID_ARGUMENT', 'An identity cannot move to another account.');
    prepare(
      db,
      `UPDATE identities SET name = ?, address = ?, reply_to = ?, signature_text = ?, signature_html = ?, is_default = ? WHERE id = ?`,
    ).run(fields.name, fields.address, fields.replyTo, fields.signatureText, fields.signatureHtml, isDefault || current.isDefault ? 1 : 0, identityId);
  }
  changes.identities(accountId);
  return getIdentity(db, identityId);
}

/** Removes an identity; the account's last one stays (a message needs a From). The next becomes the default. */
export function removeIdentity(db: WriteDb, changes: ChangeRecorder, id: number): void {
  const identity = getIdentity(db, id);
  const all = listIdentities(db, identity.accountId);
  if (all.length <= 1) throw new HomingError('INVALID_ARGUMENT', 'An account keeps at least one identity: change this one instead.');
  prepare<[number]>(db, 'DELETE FROM identities WHERE id = ?').run(id);
  if (identity.isDefault) {
    const next = all.find((i) => i.id !== id)!;
    prepare<[number]>(db, 'UPDATE identities SET is_default = 1 WHERE id = ?').run(next.id);
  }
  changes.identities(identity.accountId);
}

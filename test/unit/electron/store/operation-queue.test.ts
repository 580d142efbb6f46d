import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAccountSettings, type Account } from '../../../../shared/contract/accounts';
import { operationKinds } from '../../../../shared/contract/sync';
import { MemoryVault } from '../../../../electron/accounts/vault';
import { getAccount, insertAccount } from '../../../../electron/store/accounts';
import type { WriteDb } from '../../../../electron/store/db';
import { localFolderInput, upsertFolder } from '../../../../electron/store/folders';
import { migrations } from '../../../../electron/store/migrations/all';
import { up as operationQueueMigration } from '../../../../electron/store/migrations/0009-operation-queue';
import { type Operation, parseOperation, serializeOperation } from '../../../../electron/store/operation-kinds';
import { findOperation, listPendingOperations, queueOperation, refuseOperation } from '../../../../electron/store/operation-queue';
import { closeDb, openWriteDb } from '../../../../electron/store/open';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { localEngine } from '../../../../electron/sync/local/local-engine';
import { SyncRuntime } from '../../../../electron/sync/sync-runtime';
import { createActionWrites } from '../../../../electron/sync/writes/action-writes';
import { eml, ingest, tempDir, tempStore } from '../../../helpers/store';

/** One valid operation of every kind. */
const examples: Operation[] = [
  { kind: 'flags', payload: { add: ['\\Seen'], remove: [], before: [{ messageId: 1, had: [] }] } },
  { kind: 'move', payload: { from: { folderId: 1, path: 'INBOX', uidvalidity: 7 }, to: { folderId: 2, path: 'Archive' }, items: [{ messageId: 1, uid: 3 }] } },
  { kind: 'copy', payload: { from: { folderId: 1, path: 'INBOX', uidvalidity: 7 }, to: { folderId: 2, path: 'Archive' }, items: [{ messageId: 1, uid: 3, copyId: 9 }] } },
  { kind: 'delete', payload: { from: null, trash: { folderId: 3, path: 'Trash' }, items: [], after: { opId: 4, at: { folderId: 2, path: 'Archive' }, messageIds: [1] } } },
  { kind: 'expunge', payload: { from: { folderId: 3, path: 'Trash', uidvalidity: 1 }, items: [{ messageId: 1, uid: 5 }] } },
  { kind: 'folder-create', payload: { folderId: 5, path: 'Projects/2026', subscribe: true } },
  { kind: 'folder-rename', payload: { folderId: 5, from: 'Projects/2026', to: 'Projects/Done' } },
  { kind: 'folder-delete', payload: { folderId: null, path: 'Projects/Done' } },
  { kind: 'folder-subscribe', payload: { path: 'Lists', subscribed: false } },
  { kind: 'send', payload: { outboxId: 12 } },
  { kind: 'append', payload: { messageId: 13, to: { folderId: 6, path: 'Sent' }, flags: ['\\Seen'] } },
];

function imapAccount(db: WriteDb): Account {
  return writeTransaction(db, (changes) =>
    insertAccount(db, changes, {
      name: 'imap', email: 'imap@example.org', protocol: 'imap', host: 'mail.example.org', port: 993, security: 'tls', username: 'imap',
      trustedFingerprint: null, settings: defaultAccountSettings,
    }),
  );
}

/** Writes a raw row the way a damaged database (or an older Homing's bug) could hold it. */
function rawOperation(db: WriteDb, accountId: string, kind: string, payload: string, messageIds: number[] = []): number {
  const id = Number(db.sqlite.prepare('INSERT INTO pending_ops (account_id, kind, payload, created_at) VALUES (?, ?, ?, 0)').run(accountId, kind, payload).lastInsertRowid);
  for (const m of messageIds) db.sqlite.prepare('INSERT INTO pending_op_messages (op_id, message_id) VALUES (?, ?)').run(id, m);
  return id;
}

describe('the operation union', () => {
  it('has one example per kind the contract lists, each read back as written', () => {
    expect(examples.map((e) => e.kind).sort()).toEqual([...operationKinds].sort());
    for (const op of examples) {
      expect(parseOperation(op.kind, serializeOperation(op))).toEqual({ ok: true, operation: op });
    }
  });

  it('reads a damaged payload as a problem, never a throw', () => {
    expect(parseOperation('move', '{not json')).toMatchObject({ ok: false, problem: expect.stringMatching(/JSON/) });
    expect(parseOperation('move', '{"from":null,"items":[]}')).toMatchObject({ ok: false, problem: expect.stringMatching(/to/) });
    expect(parseOperation('flags', '{"add":["\\\\Seen"],"remove":[],"extra":1}')).toMatchObject({ ok: false });
    expect(parseOperation('pop3-delete', '{}')).toMatchObject({ ok: false });
    // Flag changes queued before their previous state was recorded still read (nothing to roll back).
    expect(parseOperation('flags', '{"add":["\\\\Seen"],"remove":[]}')).toEqual({ ok: true, operation: { kind: 'flags', payload: { add: ['\\Seen'], remove: [], before: [] } } });
  });

  it('refuses to store a payload that does not fit its kind', () => {
    const { db } = tempStore();
    const account = imapAccount(db);
    expect(() =>
      writeTransaction(db, (c) => queueOperation(db, c, account.id, { kind: 'move', payload: { from: null, items: [] } as never }, [])),
    ).toThrow();
    expect(listPendingOperations(db)).toEqual([]);
  });
});

describe('damaged operations', () => {
  it('are listed and refused with OPERATION_DAMAGED by the engine that meets them, and can be discarded', async () => {
    const { db, dir } = tempStore();
    const folder = writeTransaction(db, (c) => upsertFolder(db, c, 'local', localFolderInput('Kept')));
    const { messageId } = await ingest(db, eml({ Subject: 'x' }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    db.sqlite.prepare('UPDATE messages SET deleted_locally = 1 WHERE id = ?').run(messageId);
    const broken = rawOperation(db, 'local', 'move', '{"from": 3', [messageId]);
    const unknown = rawOperation(db, 'local', 'teleport', '{}');
    expect(listPendingOperations(db).map((o) => [o.kind, o.state])).toEqual([
      ['move', 'queued'],
      ['unknown', 'queued'],
    ]);
    const writer = { db, dataDir: dir, vault: new MemoryVault(), shutdown: new AbortController().signal, emit: () => undefined };
    const runtime = new SyncRuntime(writer);
    await localEngine.syncOnce(runtime.engineContext(getAccount(db, 'local'), new AbortController().signal));
    const ops = listPendingOperations(db);
    expect(ops.map((o) => [o.state, o.error?.code])).toEqual([
      ['refused', 'OPERATION_DAMAGED'],
      ['refused', 'OPERATION_DAMAGED'],
    ]);
    expect(ops[0]!.error!.message).toMatch(/could not be read back/);
    const actions = createActionWrites(writer, runtime);
    await actions.discardPendingOperation({ id: broken });
    await actions.discardPendingOperation({ id: unknown });
    expect(listPendingOperations(db)).toEqual([]);
    // The hidden row the damaged operation held is shown again.
    expect(db.sqlite.prepare('SELECT deleted_locally FROM messages WHERE id = ?').get(messageId)).toEqual({ deleted_locally: 0 });
  });

  it('a send waits for the outbox whatever the account: the incoming engine leaves it queued', async () => {
    const { db, dir } = tempStore();
    const send = writeTransaction(db, (c) => queueOperation(db, c, 'local', { kind: 'send', payload: { outboxId: 1 } }, []));
    const other = writeTransaction(db, (c) => queueOperation(db, c, 'local', { kind: 'folder-subscribe', payload: { path: 'X', subscribed: true } }, []));
    const writer = { db, dataDir: dir, vault: new MemoryVault(), shutdown: new AbortController().signal, emit: () => undefined };
    await localEngine.syncOnce(new SyncRuntime(writer).engineContext(getAccount(db, 'local'), new AbortController().signal));
    expect(findOperation(db, send)?.state).toBe('queued');
    // Anything else Local Folders queued is done by its local change alone.
    expect(findOperation(db, other)).toBeNull();
  });

  it('an IMAP action on a message held by a damaged move stays local instead of failing', async () => {
    const { db, dir } = tempStore();
    const account = imapAccount(db);
    const inbox = writeTransaction(db, (c) => upsertFolder(db, c, account.id, { ...localFolderInput('INBOX'), specialUse: null }));
    const archive = writeTransaction(db, (c) => upsertFolder(db, c, account.id, localFolderInput('Archive')));
    const { messageId } = await ingest(db, eml({ Subject: 'held' }), { accountId: account.id, folderId: archive.id, key: { kind: 'local' } });
    rawOperation(db, account.id, 'move', '[]', [messageId]);
    const writer = { db, dataDir: dir, vault: new MemoryVault(), shutdown: new AbortController().signal, emit: () => undefined };
    const actions = createActionWrites(writer, new SyncRuntime(writer));
    await actions.moveMessages({ ids: [messageId], toFolderId: inbox.id });
    expect(db.sqlite.prepare('SELECT folder_id FROM messages WHERE id = ?').get(messageId)).toEqual({ folder_id: inbox.id });
    expect(listPendingOperations(db).map((o) => o.kind)).toEqual(['move']);
  });
});

describe('requires', () => {
  it('an operation refused takes the ones that require it along; one completed frees them', () => {
    const { db } = tempStore();
    const account = imapAccount(db);
    const [first, second, third] = writeTransaction(db, (c) => {
      const a = queueOperation(db, c, account.id, examples[9] as never, []);
      const b = queueOperation(db, c, account.id, examples[4] as never, [], { requires: a });
      const d = queueOperation(db, c, account.id, examples[8] as never, [], { requires: b });
      return [a, b, d];
    });
    expect(findOperation(db, second!)?.requires).toBe(first);
    writeTransaction(db, (c) => refuseOperation(db, c, first!, { code: 'OPERATION_REFUSED', message: 'no' }));
    expect([first, second, third].map((id) => findOperation(db, id!)?.state)).toEqual(['refused', 'refused', 'refused']);
    const later = writeTransaction(db, (c) => queueOperation(db, c, account.id, examples[4] as never, [], { requires: third! }));
    db.sqlite.prepare('DELETE FROM pending_ops WHERE id = ?').run(third);
    expect(findOperation(db, later)?.requires).toBeNull();
  });
});

describe('the operation-queue migration', () => {
  it('carries queued operations over: delete without Trash becomes expunge, pop3-delete goes, links stay', () => {
    const path = join(tempDir(), 'before.sqlite');
    const old = new Database(path);
    old.pragma('foreign_keys = ON');
    old.transaction(() => {
      const version = migrations.find((m) => m.up === operationQueueMigration)!.version;
      for (const m of migrations.filter((m) => m.version < version)) m.up(old);
      old.pragma(`user_version = ${version - 1}`);
    })();
    old.exec(`INSERT INTO accounts (id, name, email, protocol, settings, created_at) VALUES ('a', 'a', 'a@x', 'imap', '{}', 0)`);
    const insert = old.prepare('INSERT INTO pending_ops (id, account_id, kind, payload, created_at, sent) VALUES (?, ?, ?, ?, 0, ?)');
    insert.run(1, 'a', 'flags', '{"add":["\\\\Seen"],"remove":[]}', null);
    insert.run(2, 'a', 'delete', '{"from":{"folderId":1,"path":"INBOX","uidvalidity":7},"trash":null,"items":[{"messageId":5,"uid":3}]}', '{"at":1,"target":null}');
    insert.run(3, 'a', 'delete', '{"from":{"folderId":1,"path":"INBOX","uidvalidity":7},"trash":{"folderId":2,"path":"Trash"},"items":[{"messageId":6,"uid":4}]}', null);
    insert.run(4, 'a', 'pop3-delete', '{}', null);
    const link = old.prepare('INSERT INTO pending_op_messages (op_id, message_id) VALUES (?, ?)');
    for (const [op, m] of [[1, 5], [2, 5], [3, 6], [4, 7]]) link.run(op, m);
    old.close();

    const db = openWriteDb(path);
    try {
      const ops = listPendingOperations(db);
      expect(ops.map((o) => [o.id, o.kind, o.messageIds])).toEqual([
        [1, 'flags', [5]],
        [2, 'expunge', [5]],
        [3, 'delete', [6]],
      ]);
      expect(findOperation(db, 2)).toMatchObject({ kind: 'expunge', payload: { from: { path: 'INBOX' }, items: [{ messageId: 5, uid: 3 }] }, sent: { at: 1, target: null } });
      expect(db.sqlite.prepare('SELECT count(*) AS n FROM pending_op_messages WHERE op_id = 4').get()).toEqual({ n: 0 });
      // Foreign keys still hold: removing the account removes its queue.
      db.sqlite.prepare(`DELETE FROM accounts WHERE id = 'a'`).run();
      expect(db.sqlite.prepare('SELECT count(*) AS n FROM pending_op_messages').get()).toEqual({ n: 0 });
      expect(db.sqlite.pragma('foreign_key_check')).toEqual([]);
    } finally {
      closeDb(db);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { defaultAccountSettings, type Account, type AccountSettings } from '../../../../../shared/contract/accounts';
import { MemoryVault } from '../../../../../electron/accounts/vault';
import { insertAccount } from '../../../../../electron/store/accounts';
import { cachedStatementCount, type WriteDb } from '../../../../../electron/store/db';
import { localFolderInput, upsertFolder } from '../../../../../electron/store/folders';
import { listPendingOperations, markSent, refuseOperation, resolveFollowers } from '../../../../../electron/store/operation-queue';
import { writeTransaction } from '../../../../../electron/store/write-transaction';
import { SyncRuntime } from '../../../../../electron/sync/sync-runtime';
import { createActionWrites } from '../../../../../electron/sync/writes/action-writes';
import { createOrganiseWrites } from '../../../../../electron/sync/writes/organise-writes';
import { eml, ingest, tempStore } from '../../../../helpers/store';

function setup() {
  const { db, dir } = tempStore();
  const writer = { db, dataDir: dir, vault: new MemoryVault(), shutdown: new AbortController().signal, emit: () => undefined };
  const runtime = new SyncRuntime(writer);
  return { db, actions: createActionWrites(writer, runtime), organise: createOrganiseWrites(writer, runtime), runtime };
}

function account(db: WriteDb, protocol: 'imap' | 'pop3', settings: Partial<AccountSettings> = {}): Account {
  return writeTransaction(db, (changes) =>
    insertAccount(db, changes, {
      name: protocol,
      email: `${protocol}@example.org`,
      protocol,
      host: 'mail.example.org',
      port: 993,
      security: 'tls',
      username: protocol,
      trustedFingerprint: null,
      settings: { ...defaultAccountSettings, ...settings },
    }),
  );
}

const folder = (db: WriteDb, accountId: string, path: string, specialUse: 'trash' | null = null) =>
  writeTransaction(db, (changes) => upsertFolder(db, changes, accountId, { ...localFolderInput(path), specialUse }));

const folderId = (db: WriteDb, accountId: string, path: string) =>
  (db.sqlite.prepare('SELECT id FROM folders WHERE account_id = ? AND path = ?').get(accountId, path) as { id: number } | undefined)?.id;

const row = (db: WriteDb, id: number) =>
  db.sqlite.prepare('SELECT folder_id, account_id, uid, uidvalidity, seen, flagged, deleted_locally FROM messages WHERE id = ?').get(id) as
    | { folder_id: number; account_id: string; uid: number | null; uidvalidity: number | null; seen: number; flagged: number; deleted_locally: number }
    | undefined;

describe('user actions on Local Folders and POP3 mail', () => {
  it('marks and moves local mail locally only; deleting moves it to the local Trash, deleting permanently removes it', async () => {
    const { db, actions, organise } = setup();
    const a = folder(db, 'local', 'A');
    const b = folder(db, 'local', 'B');
    const { messageId } = await ingest(db, eml({ Subject: 'x', 'Message-ID': '<x@l>' }), { accountId: 'local', folderId: a.id, key: { kind: 'local' } });
    await actions.markMessages({ ids: [messageId], seen: true, flagged: true });
    await actions.moveMessages({ ids: [messageId], toFolderId: b.id });
    expect(row(db, messageId)).toMatchObject({ folder_id: b.id, seen: 1, flagged: 1 });
    expect(listPendingOperations(db)).toEqual([]);
    await actions.deleteMessages({ ids: [messageId] });
    const trash = db.sqlite.prepare(`SELECT id, path FROM folders WHERE account_id = 'local' AND special_use = 'trash'`).get() as { id: number; path: string };
    expect(trash.path).toBe('Trash');
    expect(row(db, messageId)).toMatchObject({ folder_id: trash.id });
    await expect(actions.deleteMessages({ ids: [messageId] })).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect(row(db, messageId)).toMatchObject({ folder_id: trash.id });
    await organise.deleteMessagesPermanently({ ids: [messageId], confirm: true });
    expect(row(db, messageId)).toBeUndefined();
  });

  it('POP3: a delete goes to the local Trash; deleting permanently hides it for the POP3 sync when the account deletes on the server, removes it otherwise', async () => {
    const { db, actions, organise } = setup();
    for (const [policy, expected] of [
      ['when-deleted-locally', 'hidden'],
      ['never', 'gone'],
    ] as const) {
      const pop = account(db, 'pop3', { pop3Delete: { kind: policy } });
      db.sqlite.prepare('UPDATE accounts SET username = ? WHERE id = ?').run(`u-${policy}`, pop.id);
      const inbox = folder(db, pop.id, 'INBOX');
      const { messageId } = await ingest(db, eml({ Subject: policy }), { accountId: pop.id, folderId: inbox.id, key: { kind: 'pop3', uidl: `u-${policy}` } });
      await actions.markMessages({ ids: [messageId], seen: true });
      expect(row(db, messageId)?.seen).toBe(1);
      await actions.deleteMessages({ ids: [messageId] });
      expect(row(db, messageId)).toMatchObject({ deleted_locally: 0, folder_id: folderId(db, pop.id, 'Trash') });
      await organise.emptyTrash({ accountId: pop.id, confirm: true });
      if (expected === 'hidden') expect(row(db, messageId)?.deleted_locally).toBe(1);
      else expect(row(db, messageId)).toBeUndefined();
    }
    expect(listPendingOperations(db)).toEqual([]);
  });

  it('refuses unknown ids with NOT_FOUND and changes nothing', async () => {
    const { db, actions } = setup();
    const a = folder(db, 'local', 'A');
    const { messageId } = await ingest(db, eml({ Subject: 'x' }), { accountId: 'local', folderId: a.id, key: { kind: 'local' } });
    await expect(actions.markMessages({ ids: [messageId, 999_999], seen: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(row(db, messageId)?.seen).toBe(0);
  });
  it('a selection of any size reads its rows with the same statement: the write connection keeps none per length', async () => {
    // The worker's statements live as long as the app: one per selection length (1 to 500) was ~28 MB kept.
    const { db, actions } = setup();
    const a = folder(db, 'local', 'A');
    const ids: number[] = [];
    for (let i = 0; i < 41; i++) {
      ids.push((await ingest(db, eml({ Subject: `m${i}`, 'Message-ID': `<m${i}@l>` }), { accountId: 'local', folderId: a.id, key: { kind: 'local' } })).messageId);
    }
    await actions.markMessages({ ids: ids.slice(0, 1), seen: true });
    const statements = cachedStatementCount(db);
    for (let n = 2; n <= 41; n++) await actions.markMessages({ ids: ids.slice(0, n), seen: n % 2 === 1 });
    expect(cachedStatementCount(db)).toBe(statements);
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM messages WHERE seen = 1').get()).toEqual({ n: 41 });
  });
});

describe('user actions on IMAP mail (queued for the server)', () => {
  async function imapSetup() {
    const s = setup();
    const acc = account(s.db, 'imap');
    const inbox = folder(s.db, acc.id, 'INBOX');
    const archive = folder(s.db, acc.id, 'Archive');
    const trash = folder(s.db, acc.id, 'Trash', 'trash');
    const ids: number[] = [];
    for (let uid = 1; uid <= 3; uid++) {
      ids.push(
        (await ingest(s.db, eml({ Subject: `m${uid}`, 'Message-ID': `<m${uid}@x>` }), { accountId: acc.id, folderId: inbox.id, key: { kind: 'imap', uidvalidity: 7, uid } }))
          .messageId,
      );
    }
    return { ...s, acc, inbox, archive, trash, ids };
  }

  it('queues one operation per action, nudges a watching session, and shows the messages as pending', async () => {
    const { db, actions, runtime, acc, archive, ids } = await imapSetup();
    let nudged = 0;
    runtime.engineContext(acc, new AbortController().signal).onNudge?.(() => nudged++);
    await actions.markMessages({ ids, seen: true });
    await actions.moveMessages({ ids: [ids[0]!], toFolderId: archive.id });
    expect(nudged).toBe(2);
    expect(row(db, ids[0]!)).toMatchObject({ folder_id: archive.id, uid: null, uidvalidity: null });
    const ops = listPendingOperations(db, acc.id);
    expect(ops.map((o) => [o.kind, o.state, o.messageIds])).toEqual([
      ['flags', 'queued', ids],
      ['move', 'queued', [ids[0]]],
    ]);
  });

  it('moving a message back before the server saw the move restores its UID and cancels the move', async () => {
    const { db, actions, acc, inbox, archive, ids } = await imapSetup();
    await actions.moveMessages({ ids: [ids[1]!], toFolderId: archive.id });
    await actions.moveMessages({ ids: [ids[1]!], toFolderId: inbox.id });
    expect(row(db, ids[1]!)).toMatchObject({ folder_id: inbox.id, uid: 2, uidvalidity: 7 });
    expect(listPendingOperations(db, acc.id)).toEqual([]);
  });

  it('deletes to Trash, and from Trash for good (\\Deleted + EXPUNGE, hidden meanwhile)', async () => {
    const { db, actions, organise, acc, trash, ids } = await imapSetup();
    await actions.deleteMessages({ ids: [ids[2]!] });
    expect(row(db, ids[2]!)).toMatchObject({ folder_id: trash.id, uid: null });
    await organise.deleteMessagesPermanently({ ids: [ids[2]!], confirm: true });
    expect(row(db, ids[2]!)).toMatchObject({ deleted_locally: 1 });
    // The second delete took over the first: one expunge of the original INBOX UID.
    const ops = listPendingOperations(db, acc.id);
    expect(ops).toHaveLength(1);
    const payload = JSON.parse((db.sqlite.prepare('SELECT payload FROM pending_ops WHERE id = ?').get(ops[0]!.id) as { payload: string }).payload);
    expect(ops[0]!.kind).toBe('expunge');
    expect(payload).toEqual({ from: { folderId: expect.any(Number), path: 'INBOX', uidvalidity: 7 }, items: [{ messageId: ids[2], uid: 3 }] });
  });

  it('refuses to move a headers-only message to Local Folders, and to discard an operation that was not refused', async () => {
    const { db, actions, acc, ids } = await imapSetup();
    db.sqlite.prepare(`UPDATE messages SET body_status = 'headers' WHERE id = ?`).run(ids[0]);
    const local = folder(db, 'local', 'Kept');
    await expect(actions.moveMessages({ ids: [ids[0]!], toFolderId: local.id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await actions.markMessages({ ids: [ids[1]!], flagged: true });
    const [op] = listPendingOperations(db, acc.id);
    await expect(actions.discardPendingOperation({ id: op!.id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('an action on a message whose move was already sent waits for that move instead of taking it over', async () => {
    const { db, actions, acc, inbox, archive, trash, ids } = await imapSetup();
    const payloadOf = (id: number) => JSON.parse((db.sqlite.prepare('SELECT payload FROM pending_ops WHERE id = ?').get(id) as { payload: string }).payload);
    await actions.moveMessages({ ids: [ids[0]!], toFolderId: archive.id });
    const [sent] = listPendingOperations(db, acc.id);
    writeTransaction(db, () => markSent(db, sent!.id, { uidvalidity: 9, uidnext: 5 }));
    // Delete (to Trash), then move to INBOX: the sent move stays as it was; the second action takes the
    // first one's place, still waiting on the sent move.
    await actions.deleteMessages({ ids: [ids[0]!] });
    expect(row(db, ids[0]!)).toMatchObject({ folder_id: trash.id, uid: null });
    await actions.moveMessages({ ids: [ids[0]!], toFolderId: inbox.id });
    expect(row(db, ids[0]!)).toMatchObject({ folder_id: inbox.id, uid: null });
    const ops = listPendingOperations(db, acc.id);
    expect(ops.map((o) => [o.id === sent!.id, o.kind, o.messageIds])).toEqual([
      [true, 'move', [ids[0]]],
      [false, 'move', [ids[0]]],
    ]);
    expect(payloadOf(sent!.id)).toMatchObject({ from: { path: 'INBOX', uidvalidity: 7 }, items: [{ messageId: ids[0], uid: 1 }] });
    const waiting = ops[1]!.id;
    expect(payloadOf(waiting)).toMatchObject({ from: null, to: { folderId: inbox.id }, items: [], after: { opId: sent!.id, at: { folderId: archive.id }, messageIds: [ids[0]] } });
    // The sent move's replay found the message in Archive under UID 5: the waiting move now goes from there.
    writeTransaction(db, (changes) => resolveFollowers(db, changes, sent!.id, new Map([[ids[0]!, { uidvalidity: 9, uid: 5 }]])));
    const resolved = payloadOf(waiting);
    expect(resolved).toMatchObject({ from: { folderId: archive.id, path: 'Archive', uidvalidity: 9 }, items: [{ messageId: ids[0], uid: 5 }] });
    expect(resolved.after).toBeUndefined();

    // A refused sent move refuses what waits on it; one that found nothing lets the waiting action go.
    await actions.moveMessages({ ids: [ids[1]!], toFolderId: archive.id });
    const second = listPendingOperations(db, acc.id).at(-1)!;
    writeTransaction(db, () => markSent(db, second.id, null));
    await actions.moveMessages({ ids: [ids[1]!], toFolderId: trash.id });
    writeTransaction(db, (changes) => refuseOperation(db, changes, second.id, { code: 'OPERATION_REFUSED', message: 'no' }));
    expect(listPendingOperations(db, acc.id).slice(-2).map((o) => o.state)).toEqual(['refused', 'refused']);
    await actions.moveMessages({ ids: [ids[2]!], toFolderId: archive.id });
    const third = listPendingOperations(db, acc.id).at(-1)!;
    writeTransaction(db, () => markSent(db, third.id, null));
    await actions.deleteMessages({ ids: [ids[2]!] });
    const follower = listPendingOperations(db, acc.id).at(-1)!;
    expect(follower).toMatchObject({ kind: 'delete', state: 'queued', messageIds: [ids[2]] });
    writeTransaction(db, (changes) => resolveFollowers(db, changes, third.id, new Map()));
    expect(listPendingOperations(db, acc.id).map((o) => o.id)).not.toContain(follower.id);
  });

  it('discarding a refused move puts the message back where the server has it', async () => {
    const { db, actions, acc, inbox, archive, ids } = await imapSetup();
    db.sqlite.prepare('UPDATE folders SET uidvalidity = 7 WHERE id = ?').run(inbox.id);
    await actions.moveMessages({ ids: [ids[0]!], toFolderId: archive.id });
    const [op] = listPendingOperations(db, acc.id);
    writeTransaction(db, (changes) => refuseOperation(db, changes, op!.id, { code: 'OPERATION_REFUSED', message: 'no' }));
    expect(listPendingOperations(db, acc.id)[0]).toMatchObject({ state: 'refused', error: { code: 'OPERATION_REFUSED', message: 'no' } });
    await actions.discardPendingOperation({ id: op!.id });
    expect(row(db, ids[0]!)).toMatchObject({ folder_id: inbox.id, uid: 1, uidvalidity: 7 });
    expect(listPendingOperations(db, acc.id)).toEqual([]);
  });
});

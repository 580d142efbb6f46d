import { describe, expect, it } from 'vitest';
import { defaultAccountSettings } from '../../../../shared/contract/accounts';
import { insertAccount } from '../../../../electron/store/accounts';
import type { WriteDb } from '../../../../electron/store/db';
import { localFolderInput, upsertFolder } from '../../../../electron/store/folders';
import {
  adoptOrphan,
  applyServerFlags,
  beginUidvalidityReset,
  countKnownUids,
  countOrphans,
  dropOrphans,
  knownUids,
  knownUidsFrom,
  orphanCandidates,
  removeExpunged,
} from '../../../../electron/store/imap-state';
import { heldUids, listPendingOperations, queueOperation } from '../../../../electron/store/operation-queue';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { eml, ingest, tempStore } from '../../../helpers/store';

async function setup() {
  const { db } = tempStore();
  const acc = writeTransaction(db, (c) =>
    insertAccount(db, c, {
      name: 'a', email: 'a@x', protocol: 'imap', host: 'h', port: 993, security: 'tls', username: 'a', trustedFingerprint: null, settings: defaultAccountSettings,
    }),
  );
  const inbox = writeTransaction(db, (c) => upsertFolder(db, c, acc.id, localFolderInput('INBOX')));
  db.sqlite.prepare('UPDATE folders SET uidvalidity = 5 WHERE id = ?').run(inbox.id);
  const ids: number[] = [];
  for (let uid = 1; uid <= 4; uid++) {
    const bytes = eml({ Subject: `m${uid}`, ...(uid === 4 ? {} : { 'Message-ID': `<m${uid}@x>` }) });
    ids.push((await ingest(db, bytes, { accountId: acc.id, folderId: inbox.id, key: { kind: 'imap', uidvalidity: 5, uid } })).messageId);
  }
  return { db, acc, inbox, ids };
}
const seen = (db: WriteDb, id: number) => (db.sqlite.prepare('SELECT seen FROM messages WHERE id = ?').get(id) as { seen: number }).seen;

describe('IMAP state in the store', () => {
  it('applies server flags, but not over a local change still waiting for the server', async () => {
    const { db, acc, inbox, ids } = await setup();
    writeTransaction(db, (c) => queueOperation(db, c, acc.id, { kind: 'flags', payload: { add: [], remove: ['\\Seen'] } }, [ids[0]!]));
    const changed = writeTransaction(db, (c) =>
      applyServerFlags(db, c, acc.id, inbox.id, 5, [
        { uid: 1, flags: ['\\Seen'] },
        { uid: 2, flags: ['\\Seen', '\\Recent'] },
        { uid: 3, flags: [] },
      ]),
    );
    expect(changed).toBe(1);
    expect([seen(db, ids[0]!), seen(db, ids[1]!), seen(db, ids[2]!)]).toEqual([0, 1, 0]);
  });

  it('removes expunged rows and the queued operations left with nothing to do', async () => {
    const { db, acc, inbox, ids } = await setup();
    writeTransaction(db, (c) => queueOperation(db, c, acc.id, { kind: 'flags', payload: { add: ['\\Flagged'], remove: [] } }, [ids[2]!]));
    expect(writeTransaction(db, (c) => removeExpunged(db, c, acc.id, inbox.id, 5, [3, 99]))).toBe(1);
    expect(listPendingOperations(db, acc.id)).toEqual([]);
    expect([...knownUids(db, inbox.id, 5)].sort()).toEqual([1, 2, 4]);
  });

  it('counts UIDs a pending move still holds as known, so they are not downloaded again', async () => {
    const { db, acc, inbox, ids } = await setup();
    db.sqlite.prepare('UPDATE messages SET uid = NULL, uidvalidity = NULL WHERE id = ?').run(ids[0]);
    writeTransaction(db, (c) =>
      queueOperation(db, c, acc.id, { kind: 'move', payload: { from: { folderId: inbox.id, path: 'INBOX', uidvalidity: 5 }, to: { folderId: inbox.id, path: 'X' }, items: [{ messageId: ids[0]!, uid: 1 }] } }, [ids[0]!]),
    );
    expect([...heldUids(db, inbox.id, 5)]).toEqual([1]);
    expect(knownUids(db, inbox.id, 5).includes(1)).toBe(true);
    // Held rows are not orphans to adopt or drop.
    expect(countOrphans(db, inbox.id, 5)).toBe(0);
  });

  it('counts the known UIDs without listing them: rows, plus held UIDs that are not also a row', async () => {
    const { db, acc, inbox, ids } = await setup();
    expect(countKnownUids(db, inbox.id, 5)).toBe(4);
    expect(countKnownUids(db, inbox.id, 6)).toBe(0);
    // Row 1 moved away locally (its UID held by the move) and a move still naming UID 2, whose row is here.
    db.sqlite.prepare('UPDATE messages SET uid = NULL, uidvalidity = NULL WHERE id = ?').run(ids[0]);
    expect(countKnownUids(db, inbox.id, 5)).toBe(3);
    const from = { folderId: inbox.id, path: 'INBOX', uidvalidity: 5 };
    writeTransaction(db, (c) =>
      queueOperation(db, c, acc.id, { kind: 'move', payload: { from, to: { folderId: inbox.id, path: 'X' }, items: [{ messageId: ids[0]!, uid: 1 }, { messageId: ids[1]!, uid: 2 }] } }, [ids[0]!, ids[1]!]),
    );
    expect(countKnownUids(db, inbox.id, 5)).toBe(4);
    expect([...knownUids(db, inbox.id, 5)]).toEqual([1, 2, 3, 4]);
    expect([...knownUidsFrom(db, inbox.id, 5, 2)].sort()).toEqual([2, 3, 4]);
    expect([...knownUidsFrom(db, inbox.id, 5, 1)].sort()).toEqual([1, 2, 3, 4]);
  });

  it('applies the same UID twice in one call as the later flags', async () => {
    const { db, acc, inbox, ids } = await setup();
    const changed = writeTransaction(db, (c) =>
      applyServerFlags(db, c, acc.id, inbox.id, 5, [
        { uid: 2, flags: ['\\Seen'] },
        { uid: 2, flags: ['\\Seen'] },
        { uid: 2, flags: [] },
        { uid: 99, flags: ['\\Seen'] },
      ]),
    );
    expect(changed).toBe(2);
    expect(seen(db, ids[1]!)).toBe(0);
  });

  it('an adopted row keeps a local flag change that is still queued for the server', async () => {
    const { db, acc, inbox, ids } = await setup();
    db.sqlite.prepare('UPDATE messages SET uid = NULL, uidvalidity = NULL, seen = 1 WHERE id = ?').run(ids[0]);
    writeTransaction(db, (c) => queueOperation(db, c, acc.id, { kind: 'flags', payload: { add: ['\\Seen'], remove: [] } }, [ids[0]!]));
    writeTransaction(db, (c) => adoptOrphan(db, c, acc.id, inbox.id, ids[0]!, { uidvalidity: 5, uid: 9 }, { flags: [] }));
    expect(db.sqlite.prepare('SELECT uid, seen FROM messages WHERE id = ?').get(ids[0])).toEqual({ uid: 9, seen: 1 });
  });

  it('after a UIDVALIDITY change: rows become orphans, are adopted by Message-ID and size, the rest dropped', async () => {
    const { db, acc, inbox, ids } = await setup();
    // A copy into another folder queued from this one: its UIDs are void, so it is refused with a reason.
    const other = writeTransaction(db, (c) => upsertFolder(db, c, acc.id, localFolderInput('Other')));
    const copy = writeTransaction(db, (c) =>
      queueOperation(db, c, acc.id, { kind: 'copy', payload: { from: { folderId: inbox.id, path: 'INBOX', uidvalidity: 5 }, to: { folderId: other.id, path: 'Other' }, items: [{ messageId: ids[1]!, uid: 2, copyId: ids[1]! }] } }, []),
    );
    // Flag changes stay queued: the rows matched again keep them and the replay sends them to the new UIDs.
    const flagKept = writeTransaction(db, (c) => queueOperation(db, c, acc.id, { kind: 'flags', payload: { add: ['\\Flagged'], remove: [] } }, [ids[0]!]));
    writeTransaction(db, (c) => queueOperation(db, c, acc.id, { kind: 'flags', payload: { add: ['\\Seen'], remove: [] } }, [ids[1]!]));
    db.sqlite.prepare('UPDATE messages SET flagged = 1 WHERE id = ?').run(ids[0]);
    const refused = writeTransaction(db, (c) => beginUidvalidityReset(db, c, { id: inbox.id, path: 'INBOX', uidvalidity: 5 }, 6));
    expect(refused).toBe(1);
    expect(listPendingOperations(db, acc.id).map((o) => [o.id, o.kind, o.state, o.error?.code ?? null])).toEqual([
      [copy, 'copy', 'refused', 'OPERATION_REFUSED'],
      [flagKept, 'flags', 'queued', null],
      [flagKept + 1, 'flags', 'queued', null],
    ]);
    expect(countOrphans(db, inbox.id, 6)).toBe(4);
    const size = (db.sqlite.prepare('SELECT size FROM messages WHERE id = ?').get(ids[0]) as { size: number }).size;
    const [candidate] = orphanCandidates(db, inbox.id, 6, '<m1@x>', size);
    expect(candidate?.id).toBe(ids[0]);
    expect(orphanCandidates(db, inbox.id, 6, '<m1@x>', size + 1)).toEqual([]);
    writeTransaction(db, (c) => adoptOrphan(db, c, acc.id, inbox.id, candidate!.id, { uidvalidity: 6, uid: 10 }, { flags: ['\\Seen'] }));
    expect(writeTransaction(db, (c) => dropOrphans(db, c, acc.id, inbox.id, 6))).toBe(3);
    // The adopted row keeps the flag still queued for it (the server's \Seen is not applied over a waiting change).
    expect(db.sqlite.prepare('SELECT id, uid, uidvalidity, flagged FROM messages').all()).toEqual([{ id: ids[0], uid: 10, uidvalidity: 6, flagged: 1 }]);
    // The refused report outlives its message; the flag change of a message gone from the server goes with it.
    expect(listPendingOperations(db, acc.id).map((o) => [o.id, o.state])).toEqual([
      [copy, 'refused'],
      [flagKept, 'queued'],
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFolderByPath, localFolderInput, upsertFolder } from '../../electron/store/folders';
import { summariesByIds } from '../../electron/store/message-summaries';
import { awaitingUploadCount, listPendingOperations } from '../../electron/store/operation-queue';
import { writeTransaction } from '../../electron/store/write-transaction';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { createActionWrites } from '../../electron/sync/writes/action-writes';
import { createOrganiseWrites } from '../../electron/sync/writes/organise-writes';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { deliverMany, imapFixture, type ImapFixture, secondClient, serverState, storedMessages, storeState } from '../helpers/imap-sync';
import { corpusMessage } from '../helpers/imap-corpus';

const PLAIN_CAPABILITIES =
  'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ SORT MULTIAPPEND UNSELECT CHILDREN NAMESPACE LIST-EXTENDED I18NLEVEL=1 ESEARCH SPECIAL-USE';

describe.each([
  ['MOVE and UIDPLUS', ''],
  ['neither MOVE nor UIDPLUS (COPY + STORE + EXPUNGE, re-matching moved rows)', PLAIN_CAPABILITIES],
])('offline actions on IMAP, server with %s', (_name, extraConfig) => {
  let server: DovecotServer;
  let fx: ImapFixture;
  let actions: ReturnType<typeof createActionWrites>;
  let organise: ReturnType<typeof createOrganiseWrites>;
  const idsIn = (folder: string) => storedMessages(fx.db, fx.account.id).filter((m) => m.folder === folder && !m.deletedLocally).map((m) => m.id);

  beforeAll(async () => {
    server = await startDovecot({ extraConfig });
    await deliverMany(server, 'alice', [
      ...Array.from({ length: 20 }, (_, i) => ({ raw: corpusMessage(i, { messageId: i === 7 ? null : undefined }), flags: i < 10 ? [] : ['\\Seen'] })),
      ...Array.from({ length: 3 }, (_, i) => ({ folder: 'Trash', raw: corpusMessage(100 + i) })),
      { folder: 'Archive', raw: corpusMessage(200) },
    ]);
    fx = await imapFixture(server);
    actions = createActionWrites(fx.writer, fx.runtime);
    organise = createOrganiseWrites(fx.writer, fx.runtime);
    await imapEngine.syncOnce(fx.context());
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('applies mark, flag, move and delete locally at once while the server is down, and on the server after it is back', async () => {
    const inbox = idsIn('INBOX');
    const trash = idsIn('Trash');
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    const local = writeTransaction(fx.db, (changes) => upsertFolder(fx.db, changes, 'local', localFolderInput('Kept')));
    await server.stop();

    const read = inbox.slice(0, 3);
    const flagged = inbox.slice(3, 5);
    const moved = inbox.slice(5, 9); // includes the message without a Message-ID
    const deleted = inbox.slice(9, 11);
    const keptLocally = inbox.slice(11, 12);
    await actions.markMessages({ ids: read, seen: true });
    await actions.markMessages({ ids: flagged, flagged: true });
    await actions.moveMessages({ ids: moved, toFolderId: archive.id });
    await actions.deleteMessages({ ids: deleted });
    await organise.deleteMessagesPermanently({ ids: trash.slice(0, 1), confirm: true });
    await actions.moveMessages({ ids: keptLocally, toFolderId: local.id });
    // A moved message marked again later: both changes reach the server, in order.
    await actions.markMessages({ ids: moved.slice(0, 1), flagged: true });

    // Applied locally, at once.
    const rows = new Map(storedMessages(fx.db, fx.account.id).map((m) => [m.id, m]));
    expect(read.every((id) => rows.get(id)!.seen)).toBe(true);
    expect(flagged.every((id) => rows.get(id)!.flagged)).toBe(true);
    expect(moved.every((id) => rows.get(id)!.folder === 'Archive')).toBe(true);
    expect(deleted.every((id) => rows.get(id)!.folder === 'Trash')).toBe(true);
    expect(rows.get(trash[0]!)!.deletedLocally).toBe(true);
    expect(rows.has(keptLocally[0]!)).toBe(false);
    expect(summariesByIds(fx.db, [...read, ...moved, ...deleted, ...keptLocally]).every((s) => s.pendingState === 'pending')).toBe(true);
    expect(listPendingOperations(fx.db, fx.account.id).map((o) => o.kind)).toEqual(['flags', 'flags', 'move', 'delete', 'expunge', 'expunge', 'flags']);

    // The server is down: the pass fails with a clear code and nothing is lost.
    const offline = await fx.runtime.syncOne(fx.account, new AbortController().signal);
    expect(offline.ok).toBe(false);
    expect(offline.error?.code).toBe('CONNECTION_REFUSED');
    expect(listPendingOperations(fx.db, fx.account.id)).toHaveLength(7);

    await server.start();
    const online = await fx.runtime.syncOne(fx.account, new AbortController().signal);
    expect(online.error).toBeNull();
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    const other = await secondClient(server);
    try {
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
    } finally {
      await other.logout();
    }
    // The moved rows were matched to their new UIDs, not downloaded a second time.
    const after = new Map(storedMessages(fx.db, fx.account.id).map((m) => [m.id, m]));
    expect(moved.every((id) => after.get(id)?.folder === 'Archive' && after.get(id)?.uid !== null)).toBe(true);
    expect(deleted.every((id) => after.get(id)?.folder === 'Trash' && after.get(id)?.uid !== null)).toBe(true);
    expect(after.get(moved[0]!)?.flagged).toBe(true);
    // The message filed in Local Folders stays there, and left the server.
    expect(summariesByIds(fx.db, keptLocally)[0]).toMatchObject({ accountId: 'local', folderId: local.id, pendingState: null });
  });

  it('counts a message moved in from Local Folders as only on this computer until its upload reaches the server (what removing the account would lose)', async () => {
    const local = writeTransaction(fx.db, (changes) => upsertFolder(fx.db, changes, 'local', localFolderInput('Holding')));
    const [message] = idsIn('INBOX');
    await actions.moveMessages({ ids: [message!], toFolderId: local.id });
    await fx.runtime.syncOne(fx.account, new AbortController().signal);
    expect(awaitingUploadCount(fx.db, fx.account.id)).toBe(0);

    await server.stop();
    const inbox = findFolderByPath(fx.db, fx.account.id, 'INBOX')!;
    await actions.moveMessages({ ids: [message!], toFolderId: inbox.id });
    expect(summariesByIds(fx.db, [message!])[0]).toMatchObject({ accountId: fx.account.id, folder: 'INBOX' });
    // Without the count, removing the account said nothing of it (IMAP counted 0), and it was gone.
    expect(awaitingUploadCount(fx.db, fx.account.id)).toBe(1);
    expect((await fx.runtime.syncOne(fx.account, new AbortController().signal)).ok).toBe(false);
    expect(awaitingUploadCount(fx.db, fx.account.id)).toBe(1);

    await server.start();
    expect((await fx.runtime.syncOne(fx.account, new AbortController().signal)).error).toBeNull();
    expect(awaitingUploadCount(fx.db, fx.account.id)).toBe(0);
  });

  it('marks an operation the server refuses as refused with its reason, and discarding it restores the server state', async () => {
    const other = await secondClient(server);
    try {
      await other.mailboxCreate('Doomed');
      await imapEngine.syncOnce(fx.context());
      const doomed = findFolderByPath(fx.db, fx.account.id, 'Doomed')!;
      const [victim] = idsIn('INBOX');
      await actions.moveMessages({ ids: [victim!], toFolderId: doomed.id });
      await other.mailboxDelete('Doomed');

      const outcome = await fx.runtime.syncOne(fx.account, new AbortController().signal);
      expect(outcome.ok).toBe(true);
      const [op] = listPendingOperations(fx.db, fx.account.id);
      expect(op).toMatchObject({ kind: 'move', state: 'refused', error: { code: 'OPERATION_REFUSED' } });
      expect(op!.error!.message).toMatch(/Doomed/);
      // The folder is gone from the server, so from the store; the message is not lost with it: it is
      // back in INBOX, where the server has it, marked as refused until the operation is discarded.
      expect(findFolderByPath(fx.db, fx.account.id, 'Doomed')).toBeNull();
      expect(summariesByIds(fx.db, [victim!])[0]).toMatchObject({ folder: 'INBOX', pendingState: 'refused' });
      await actions.discardPendingOperation({ id: op!.id });
      expect(summariesByIds(fx.db, [victim!])[0]).toMatchObject({ folder: 'INBOX', pendingState: null });
      expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
      await imapEngine.syncOnce(fx.context());
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
    } finally {
      await other.logout();
    }
  });

  // Was a bug without UIDPLUS: the only EXPUNGE there is removes every message marked \Deleted in the folder
  // (RFC 3501 section 6.4.3), so a move (COPY + STORE + EXPUNGE without MOVE) or a delete for good took with it
  // the messages another client had only marked \Deleted (Outlook's, Roundcube's and Thunderbird's "mark as
  // deleted" modes), which Homing shows as ordinary messages. Found moving mail on a Dovecot offering neither.
  it('leaves the messages another client marked \\Deleted on the server when it moves or deletes for good', async () => {
    await deliverMany(server, 'alice', [{ raw: corpusMessage(400) }, { raw: corpusMessage(401) }, { folder: 'Trash', raw: corpusMessage(402) }, { folder: 'Trash', raw: corpusMessage(403) }]);
    await imapEngine.syncOnce(fx.context());
    const byMessageId = (n: number) => storedMessages(fx.db, fx.account.id).find((m) => m.messageId === `<msg-${n}@corpus.test>`)!;
    const other = await secondClient(server);
    try {
      // The other client marks one message in INBOX and one in Trash \Deleted, and does not expunge.
      for (const [folder, n] of [['INBOX', 401], ['Trash', 403]] as const) {
        const lock = await other.getMailboxLock(folder);
        try {
          expect(await other.messageFlagsAdd(String(byMessageId(n).uid), ['\\Deleted'], { uid: true })).toBe(true);
        } finally {
          lock.release();
        }
      }
      const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
      await actions.moveMessages({ ids: [byMessageId(400).id], toFolderId: archive.id });
      await organise.deleteMessagesPermanently({ ids: [byMessageId(402).id], confirm: true });
      const outcome = await fx.runtime.syncOne(fx.account, new AbortController().signal);
      expect(outcome.error).toBeNull();
      expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);

      const state = await serverState(other);
      const markedIn = (folder: string) => state[folder]!.filter((m) => m.flags.includes('\\Deleted'));
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
      // Still there, still marked by the other client; ours gone from where they were.
      expect(byMessageId(401)).toMatchObject({ folder: 'INBOX' });
      expect(byMessageId(403)).toMatchObject({ folder: 'Trash' });
      expect(state.INBOX!.find((m) => m.uid === byMessageId(401).uid)?.flags).toContain('\\Deleted');
      expect(state.Trash!.find((m) => m.uid === byMessageId(403).uid)?.flags).toContain('\\Deleted');
      expect(markedIn('INBOX')).toHaveLength(1);
      expect(byMessageId(400)).toMatchObject({ folder: 'Archive' });
      expect(state.INBOX!.some((m) => m.uid === byMessageId(400).uid)).toBe(false);
      expect(storedMessages(fx.db, fx.account.id).some((m) => m.messageId === '<msg-402@corpus.test>')).toBe(false);
    } finally {
      await other.logout();
    }
  });

  // Was a bug, found by the kill test (seeds 216080 and 839260): a flag change made before a move found
  // the row already moved locally (no UID yet), waited, and was sent after the flag changes made after
  // the move, so the server ended with the older state.
  it('sends flag changes made before and after a move in the order they were made', async () => {
    await deliverMany(server, 'alice', [{ raw: corpusMessage(300) }]);
    await imapEngine.syncOnce(fx.context());
    const message = storedMessages(fx.db, fx.account.id).find((m) => m.messageId === '<msg-300@corpus.test>')?.id;
    expect(summariesByIds(fx.db, [message!])[0]).toMatchObject({ folder: 'INBOX', seen: false, flagged: false });
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    await server.stop();
    await actions.markMessages({ ids: [message!], seen: true });
    await actions.markMessages({ ids: [message!], seen: false, flagged: true });
    await actions.moveMessages({ ids: [message!], toFolderId: archive.id });
    await actions.markMessages({ ids: [message!], seen: true });
    await server.start();

    const outcome = await fx.runtime.syncOne(fx.account, new AbortController().signal);
    expect(outcome.error).toBeNull();
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    expect(summariesByIds(fx.db, [message!])[0]).toMatchObject({ folder: 'Archive', seen: true, flagged: true });
    const other = await secondClient(server);
    try {
      const state = await serverState(other);
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
      const uid = summariesByIds(fx.db, [message!])[0]!.uid;
      expect(state.Archive!.find((m) => m.uid === uid)?.flags).toEqual(['\\Flagged', '\\Seen']);
    } finally {
      await other.logout();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFolderByPath } from '../../electron/store/folders';
import type { WriteDb } from '../../electron/store/db';
import { listPendingOperations, markSent } from '../../electron/store/operation-queue';
import { writeTransaction } from '../../electron/store/write-transaction';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { createActionWrites } from '../../electron/sync/writes/action-writes';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { corpusMessage } from '../helpers/imap-corpus';
import { disposeStore } from '../helpers/fault-sync';
import { deliverMany, imapFixture, secondClient, serverState, storeState } from '../helpers/imap-sync';

/** Dovecot without MOVE and UIDPLUS: a move is COPY, STORE \Deleted, EXPUNGE (RFC 6851 section 3.3). */
const PLAIN_CAPABILITIES =
  'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ SORT MULTIAPPEND UNSELECT CHILDREN NAMESPACE LIST-EXTENDED I18NLEVEL=1 ESEARCH SPECIAL-USE';

type Client = Awaited<ReturnType<typeof secondClient>>;

/**
 * What the replay writes before the first command of a queued move (replay-pending.ts moveOrTrash): the
 * operation marked sent, with the target's UIDVALIDITY and UIDNEXT before the command. A real crash
 * after the command went out leaves exactly this mark; here it is written with the same function, the
 * STATUS asked by the second client that then plays the command.
 */
async function markQueuedMoveSent(db: WriteDb, accountId: string, client: Client, target: string): Promise<void> {
  const [op] = listPendingOperations(db, accountId);
  expect(op?.kind).toMatch(/^(move|delete)$/);
  const status = await client.status(target, { uidNext: true, uidValidity: true });
  if (!status || status.uidNext === undefined || status.uidValidity === undefined) throw new Error(`no STATUS for ${target}`);
  const mark = { uidvalidity: Number(status.uidValidity), uidnext: status.uidNext };
  writeTransaction(db, () => markSent(db, op!.id, mark));
}

/**
 * The exact state a crash (SIGKILL, power cut) leaves when it comes between the COPY of a queued move and
 * its EXPUNGE on a server without MOVE: the copy is in the target, the original still in the source, the
 * operation still queued. Made here deterministically (the COPY is done by a second client), since the
 * window is a few milliseconds and the random kills of imap-kill.test.ts (a MOVE server) rarely land in it.
 */
describe('IMAP, server without MOVE: a crash between COPY and EXPUNGE of a queued move', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot({ extraConfig: PLAIN_CAPABILITIES });
    await deliverMany(server, 'alice', [{ raw: corpusMessage(1) }, { raw: corpusMessage(2) }]);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  // Was a bug (the replay copied again: the message twice in the target). Fixed by the sent mark and the
  // look in the target before sending again (replay-pending.ts moveOrTrash, ops/find-moved.ts).
  it('the replay finishes the move without a second copy in the target', async () => {
    const fx = await imapFixture(server);
    try {
      const actions = createActionWrites(fx.writer, fx.runtime);
      await imapEngine.syncOnce(fx.context());
      const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
      const { id } = fx.db.sqlite.prepare(`SELECT id FROM messages WHERE message_id = '<msg-1@corpus.test>'`).get() as { id: number };
      await actions.moveMessages({ ids: [id], toFolderId: archive.id });
      // The crash: the operation marked sent, COPY done on the server, nothing after it.
      const other = await secondClient(server);
      try {
        await markQueuedMoveSent(fx.db, fx.account.id, other, 'Archive');
        await other.mailboxOpen('INBOX');
        expect(await other.messageCopy('1', 'Archive', { uid: true })).toBeTruthy();
      } finally {
        await other.logout().catch(() => other.close());
      }

      const outcome = await fx.runtime.syncOne(fx.account, new AbortController().signal);
      expect(outcome.error).toBeNull();
      expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
      const check = await secondClient(server);
      try {
        const state = await serverState(check);
        expect(storeState(fx.db, fx.account.id)).toEqual(state);
        expect({ inbox: state.INBOX!.length, archive: state.Archive!.length }).toEqual({ inbox: 1, archive: 1 });
      } finally {
        await check.logout().catch(() => check.close());
      }
    } finally {
      disposeStore(fx);
    }
  });
});

/**
 * A crash after a queued move reached the server (MOVE done) but before the client recorded it leaves
 * the row moved locally without a UID and its operation still queued. A second action on that row (here:
 * delete, i.e. move to Trash) takes the queued operation over (action-plans.ts takeServerCopy: "move to A,
 * then to B reaches the server as one move to B") and replays it from the original place, where the
 * message no longer is: the server answers OK, nothing moves, and the user's delete is lost (the message
 * stays in Archive on the server and comes back there in the store).
 */
describe('IMAP: a crash after a queued move reached the server, then another action on the moved message', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(server, 'alice', [{ raw: corpusMessage(11) }, { raw: corpusMessage(12) }]);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  // Was a bug, found by imap-kill.test.ts (a seeded run ended with a deleted message back in Archive).
  // Fixed: a sent operation is not taken over; the delete waits for it (WaitingOn, store/operation-queue.ts),
  // whose replay finds the message in Archive and tells the delete its UID there.
  it('the delete of the moved message reaches the server', async () => {
    const fx = await imapFixture(server);
    try {
      const actions = createActionWrites(fx.writer, fx.runtime);
      await imapEngine.syncOnce(fx.context());
      const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
      const { id } = fx.db.sqlite.prepare(`SELECT id FROM messages WHERE message_id = '<msg-11@corpus.test>'`).get() as { id: number };
      await actions.moveMessages({ ids: [id], toFolderId: archive.id });
      // The crash: the operation marked sent, the MOVE done on the server, nothing recorded.
      const other = await secondClient(server);
      try {
        await markQueuedMoveSent(fx.db, fx.account.id, other, 'Archive');
        await other.mailboxOpen('INBOX');
        expect(await other.messageMove('1', 'Archive', { uid: true })).toBeTruthy();
      } finally {
        await other.logout().catch(() => other.close());
      }
      await actions.deleteMessages({ ids: [id] });

      const outcome = await fx.runtime.syncOne(fx.account, new AbortController().signal);
      expect(outcome.error).toBeNull();
      const check = await secondClient(server);
      try {
        const state = await serverState(check);
        expect({ archive: state.Archive!.length, trash: state.Trash!.length }).toEqual({ archive: 0, trash: 1 });
        expect(storeState(fx.db, fx.account.id)).toEqual(state);
      } finally {
        await check.logout().catch(() => check.close());
      }
    } finally {
      disposeStore(fx);
    }
  });
});

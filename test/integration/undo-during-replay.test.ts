import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { findFolderByPath } from '../../electron/store/folders';
import { listPendingOperations } from '../../electron/store/operation-queue';
import { corpusMessage } from '../helpers/imap-corpus';
import { secondClient, serverState, storedMessages, storeState } from '../helpers/imap-sync';
import { organiseFixture, type OrganiseFixture } from '../helpers/organise-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Undo while the replay of the action it takes back is already under way (found using the app: delete,
 * then Undo at once, while the account watched). The replay had read the delete, then asked the server
 * about Trash; the undo came in that moment, saw a delete not sent yet and cancelled it (the row back in
 * INBOX with its UID); the replay went on with what it had read and moved the message to Trash on the
 * server anyway. The next INBOX sync then removed the row: the message was in neither folder of the
 * store, and undo had said it was restored. The same window let a cancelled upload (a move to another
 * account taken back) reach the other server: a copy there too. The undo is made to land in exactly that
 * moment: the first STATUS of the replay (the target's UIDNEXT, read before it marks the operation sent)
 * runs it first.
 */
describe('undo that lands while its action is being replayed', () => {
  let server: DovecotServer;
  let fx: OrganiseFixture;

  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }, { name: 'bob', password: 'bob-secret' }] });
    for (let i = 0; i < 3; i++) await server.deliver('alice', corpusMessage(i));
    fx = await organiseFixture(server, [
      { key: 'a', user: 'alice', protocol: 'imap' },
      { key: 'b', user: 'bob', protocol: 'imap' },
    ]);
    await fx.sync([fx.accounts.a!.id, fx.accounts.b!.id]);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    fx?.close();
    await server?.destroy();
  });

  const inFolder = (folder: string, key = 'a') =>
    storedMessages(fx.db, fx.accounts[key]!.id)
      .filter((m) => m.folder === folder && !m.deletedLocally)
      .map((m) => m.messageId);

  /** The first STATUS the replay sends (the target's UIDNEXT, read before it marks the operation sent) runs `act` first. */
  function beforeFirstStatus(act: () => Promise<void>): { ran: () => boolean } {
    const status = ImapFlow.prototype.status;
    let ran = false;
    vi.spyOn(ImapFlow.prototype, 'status').mockImplementation(async function (this: ImapFlow, ...args: Parameters<ImapFlow['status']>) {
      if (!ran) {
        ran = true;
        await act();
      }
      return status.apply(this, args);
    });
    return { ran: () => ran };
  }

  async function expectStoreIsServer(key: string, user: string) {
    const account = fx.accounts[key]!.id;
    expect(listPendingOperations(fx.db, account)).toEqual([]);
    const other = await secondClient(server, user);
    try {
      expect(storeState(fx.db, account)).toEqual(await serverState(other));
    } finally {
      await other.logout();
    }
  }

  it('a delete taken back before it was marked sent does not reach the server: the message stays in INBOX, here and there', async () => {
    const account = fx.accounts.a!.id;
    const target = storedMessages(fx.db, account).find((m) => m.folder === 'INBOX' && m.messageId === '<msg-1@corpus.test>')!;
    const { undo } = await fx.call('deleteMessages', { ids: [target.id] });
    const undo1 = beforeFirstStatus(async () => {
      expect((await fx.call('undo', { id: undo!.id })).restored).toBe(1);
    });
    await fx.sync([account]);
    expect(undo1.ran()).toBe(true);
    vi.restoreAllMocks();
    await fx.sync([account]);

    expect(inFolder('INBOX')).toContain('<msg-1@corpus.test>');
    expect(inFolder('Trash')).toEqual([]);
    await expectStoreIsServer('a', 'alice');
  });

  it('a move to another account taken back before its upload was marked sent: no copy on the other server', async () => {
    const [a, b] = [fx.accounts.a!.id, fx.accounts.b!.id];
    const target = storedMessages(fx.db, a).find((m) => m.folder === 'INBOX' && m.messageId === '<msg-2@corpus.test>')!;
    const bobInbox = findFolderByPath(fx.db, b, 'INBOX')!.id;
    const { undo } = await fx.call('moveMessages', { ids: [target.id], toFolderId: bobInbox });
    const undo1 = beforeFirstStatus(async () => {
      expect((await fx.call('undo', { id: undo!.id })).restored).toBe(1);
    });
    await fx.sync([b]);
    expect(undo1.ran()).toBe(true);
    vi.restoreAllMocks();
    await fx.sync([a, b]);

    expect(inFolder('INBOX')).toContain('<msg-2@corpus.test>');
    expect(inFolder('INBOX', 'b')).toEqual([]);
    await expectStoreIsServer('a', 'alice');
    await expectStoreIsServer('b', 'bob');
  });
});

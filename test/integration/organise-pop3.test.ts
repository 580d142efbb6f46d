import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFolderByPath } from '../../electron/store/folders';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, serverFiles, storedMessages } from '../helpers/imap-sync';
import { organiseFixture, type OrganiseFixture } from '../helpers/organise-fixture';

/**
 * Trash and undo for POP3 on a real Dovecot: a delete puts the message in the local Trash and leaves the
 * server alone, so it can be undone; only Empty Trash (or Delete permanently) lets the "delete from the
 * server when I delete it here" policy act, and under the other policies the server keeps its copy.
 */
describe('POP3 Trash, undo and Empty Trash on Dovecot', () => {
  let server: DovecotServer;
  let fx: OrganiseFixture;
  const users = ['carol', 'dave'];

  const inFolder = (key: string, folder: string) =>
    storedMessages(fx.db, fx.accounts[key]!.id)
      .filter((m) => m.folder === folder && !m.deletedLocally)
      .map((m) => m.id);
  const onServer = async (user: string) => (await serverFiles(server, user, 'INBOX')).length;

  beforeAll(async () => {
    server = await startDovecot({ users: users.map((name) => ({ name, password: `${name}-secret` })) });
    for (const [n, user] of users.entries()) {
      await deliverMany(
        server,
        user,
        Array.from({ length: 4 }, (_, i) => ({ raw: corpusMessage(n * 10 + i) })),
      );
    }
    fx = await organiseFixture(server, [
      { key: 'deletes', user: 'carol', protocol: 'pop3', settings: { pop3Delete: { kind: 'when-deleted-locally' } } },
      { key: 'keeps', user: 'dave', protocol: 'pop3', settings: { pop3Delete: { kind: 'never' } } },
    ]);
    await fx.sync([fx.accounts.deletes!.id, fx.accounts.keeps!.id]);
    expect(inFolder('deletes', 'INBOX')).toHaveLength(4);
    expect(inFolder('keeps', 'INBOX')).toHaveLength(4);
  });
  afterAll(async () => {
    fx?.close();
    await server?.destroy();
  });

  it('delete → local Trash → undo: back in the Inbox, and still on the server after the next passes', async () => {
    const account = fx.accounts.deletes!;
    const [victim] = inFolder('deletes', 'INBOX');
    const { undo } = await fx.call('deleteMessages', { ids: [victim!] });
    expect(inFolder('deletes', 'Trash')).toEqual([victim]);
    expect(findFolderByPath(fx.db, account.id, 'Trash')?.specialUse).toBe('trash');
    // In the Trash the message is still only deleted here: the pass leaves the server's copy alone.
    await fx.sync([account.id]);
    expect(await onServer('carol')).toBe(4);

    const { restored } = await fx.call('undo', { id: undo!.id });
    expect(restored).toBe(1);
    expect(inFolder('deletes', 'INBOX')).toContain(victim);
    expect(inFolder('deletes', 'Trash')).toEqual([]);
    await fx.sync([account.id]);
    expect(await onServer('carol')).toBe(4);
    // Not downloaded a second time either.
    expect(inFolder('deletes', 'INBOX')).toHaveLength(4);
  });

  it('Empty Trash removes from the server under “delete from the server when I delete it here”, and keeps it under the others', async () => {
    for (const [key, user, serverAfter] of [
      ['deletes', 'carol', 2],
      ['keeps', 'dave', 4],
    ] as const) {
      const account = fx.accounts[key]!;
      const doomed = inFolder(key, 'INBOX').slice(0, 2);
      await fx.call('deleteMessages', { ids: doomed });
      await fx.sync([account.id]);
      expect(await onServer(user)).toBe(4);
      const { deleted } = await fx.call('emptyTrash', { accountId: account.id, confirm: true });
      expect(deleted).toBe(2);
      expect(inFolder(key, 'Trash')).toEqual([]);
      await fx.sync([account.id]);
      expect(await onServer(user)).toBe(serverAfter);
      // Gone here for good, whatever the server kept: a later pass brings nothing back.
      await fx.sync([account.id]);
      expect(inFolder(key, 'INBOX')).toHaveLength(2);
      expect(inFolder(key, 'Trash')).toEqual([]);
      await expect(fx.call('undo', {})).rejects.toMatchObject({ code: 'MESSAGE_GONE' });
    }
  });

  it('local folders of a POP3 account: create, move in and out, rename, delete (to Trash); the server is not touched', async () => {
    const account = fx.accounts.keeps!;
    const { folder } = await fx.call('createFolder', { accountId: account.id, parentId: null, name: 'Filed' });
    const [first, second] = inFolder('keeps', 'INBOX');
    await fx.call('moveMessages', { ids: [first!, second!], toFolderId: folder.id });
    await fx.call('moveMessages', { ids: [second!], toFolderId: findFolderByPath(fx.db, account.id, 'INBOX')!.id });
    await fx.call('renameFolder', { folderId: folder.id, name: 'Kept' });
    expect(inFolder('keeps', 'Kept')).toEqual([first]);
    const { movedToTrash, undo } = await fx.call('deleteFolder', { folderId: folder.id, confirm: true });
    expect(movedToTrash).toBe(1);
    expect(inFolder('keeps', 'Trash')).toEqual([first]);
    await fx.sync([account.id]);
    expect(await onServer('dave')).toBe(4);
    await fx.call('undo', { id: undo!.id });
    expect(inFolder('keeps', 'Kept')).toEqual([first]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFolderByPath } from '../../electron/store/folders';
import { listPendingOperations } from '../../electron/store/operation-queue';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, secondClient, serverState, sha256, storedMessages, storeState } from '../helpers/imap-sync';
import { organiseFixture, type OrganiseFixture } from '../helpers/organise-fixture';
import { readSource } from '../../electron/store/message-sources';

/**
 * Folders, Trash, undo and moves across accounts through the writer's command table, against a real
 * Dovecot: each action is applied to the store at once, reaches the server through the queue (online, or
 * after Dovecot was stopped and started again), and the store ends equal to the server.
 */
describe('organising IMAP mail on Dovecot', () => {
  let server: DovecotServer;
  let fx: OrganiseFixture;
  const A = () => fx.accounts.a!;
  const B = () => fx.accounts.b!;

  const visible = (accountId: string, folder: string) => storedMessages(fx.db, accountId).filter((m) => m.folder === folder && !m.deletedLocally);
  const idsIn = (accountId: string, folder: string) => visible(accountId, folder).map((m) => m.id);
  const folderId = (accountId: string, path: string) => {
    const folder = findFolderByPath(fx.db, accountId, path);
    if (!folder) throw new Error(`no folder ${path}`);
    return folder.id;
  };
  /** The folder as the tree shows it (a folder deleted here keeps its row, hidden, until the server's DELETE). */
  const shown = (accountId: string, path: string) => {
    const folder = findFolderByPath(fx.db, accountId, path);
    return folder && !folder.deletedLocally ? folder : null;
  };
  const hashesIn = (accountId: string, folder: string) => visible(accountId, folder).map((m) => sha256(readSource(fx.db, m.id))).sort();

  /** The store equals the server (every folder, UID, flag and byte), and nothing waits in the queue. */
  async function expectInStep(user: string, accountId: string) {
    expect(listPendingOperations(fx.db, accountId)).toEqual([]);
    const other = await secondClient(server, user);
    try {
      expect(storeState(fx.db, accountId)).toEqual(await serverState(other));
    } finally {
      await other.logout();
    }
  }

  async function serverFolders(user: string): Promise<string[]> {
    const other = await secondClient(server, user);
    try {
      return (await other.list()).map((f) => f.path).sort();
    } finally {
      await other.logout();
    }
  }

  beforeAll(async () => {
    server = await startDovecot({
      users: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'bob', password: 'bob-secret' },
      ],
    });
    await deliverMany(
      server,
      'alice',
      Array.from({ length: 24 }, (_, i) => ({ raw: corpusMessage(i), flags: i % 2 === 0 ? [] : ['\\Seen'] })),
    );
    await deliverMany(server, 'bob', [{ raw: corpusMessage(500) }]);
    fx = await organiseFixture(server, [
      { key: 'a', user: 'alice', protocol: 'imap' },
      { key: 'b', user: 'bob', protocol: 'imap' },
    ]);
    await fx.sync([A().id, B().id]);
  });
  afterAll(async () => {
    fx?.close();
    await server?.destroy();
  });

  it('creates, renames and deletes folders online; messages moved in and out; the tree is the server’s', async () => {
    const { folder: projects } = await fx.call('createFolder', { accountId: A().id, parentId: null, name: 'Projects' });
    const { folder: q1 } = await fx.call('createFolder', { accountId: A().id, parentId: projects.id, name: 'Q1 Übersicht' });
    expect(q1.path).toBe('Projects/Q1 Übersicht');
    // The tree is there at once, before the server saw it.
    expect(shown(A().id, 'Projects/Q1 Übersicht')).not.toBeNull();
    await fx.sync([A().id]);
    expect(await serverFolders('alice')).toEqual(expect.arrayContaining(['Projects', 'Projects/Q1 Übersicht']));

    const moving = idsIn(A().id, 'INBOX').slice(0, 3);
    await fx.call('moveMessages', { ids: moving, toFolderId: q1.id });
    await fx.sync([A().id]);
    await expectInStep('alice', A().id);
    expect(idsIn(A().id, 'Projects/Q1 Übersicht')).toEqual(expect.arrayContaining(moving));

    // A rename takes the subfolder and its messages along (same rows, same ids).
    const { folder: renamed } = await fx.call('renameFolder', { folderId: projects.id, name: 'Work' });
    expect(renamed).toMatchObject({ id: projects.id, path: 'Work' });
    expect(idsIn(A().id, 'Work/Q1 Übersicht').sort()).toEqual([...moving].sort());
    await fx.sync([A().id]);
    const afterRename = await serverFolders('alice');
    expect(afterRename).toEqual(expect.arrayContaining(['Work', 'Work/Q1 Übersicht']));
    expect(afterRename).not.toContain('Projects');
    await expectInStep('alice', A().id);

    // One message out again. Deleting the folder while that move still waits is refused (FOLDER_BUSY,
    // nothing changed); once the server has it, the rest goes to Trash and the folders go.
    await fx.call('moveMessages', { ids: [moving[0]!], toFolderId: folderId(A().id, 'INBOX') });
    await expect(fx.call('deleteFolder', { folderId: projects.id, confirm: true })).rejects.toMatchObject({ code: 'FOLDER_BUSY' });
    expect(shown(A().id, 'Work')).not.toBeNull();
    await fx.sync([A().id]);
    const trashBefore = idsIn(A().id, 'Trash').length;
    const { movedToTrash } = await fx.call('deleteFolder', { folderId: projects.id, confirm: true });
    expect(movedToTrash).toBe(2);
    expect(shown(A().id, 'Work')).toBeNull();
    await fx.sync([A().id]);
    const afterDelete = await serverFolders('alice');
    expect(afterDelete.filter((p) => p.startsWith('Work'))).toEqual([]);
    expect(idsIn(A().id, 'Trash')).toHaveLength(trashBefore + 2);
    expect(idsIn(A().id, 'INBOX')).toContain(moving[0]);
    await expectInStep('alice', A().id);
  });

  it('creates, renames and deletes folders while Dovecot is stopped; all of it reaches the server once it is back', async () => {
    const { folder: old } = await fx.call('createFolder', { accountId: A().id, parentId: null, name: 'Old' });
    const inbox = idsIn(A().id, 'INBOX');
    await fx.call('moveMessages', { ids: inbox.slice(2, 3), toFolderId: old.id });
    await fx.sync([A().id]);
    await server.stop();
    try {
      const { folder: travel } = await fx.call('createFolder', { accountId: A().id, parentId: null, name: 'Travel' });
      await fx.call('moveMessages', { ids: inbox.slice(0, 2), toFolderId: travel.id });
      await fx.call('renameFolder', { folderId: travel.id, name: 'Trips' });
      const { movedToTrash } = await fx.call('deleteFolder', { folderId: old.id, confirm: true });
      expect(movedToTrash).toBe(1);
      // Applied locally at once.
      expect(shown(A().id, 'Trips')).not.toBeNull();
      expect(shown(A().id, 'Old')).toBeNull();
      expect(idsIn(A().id, 'Trips').sort()).toEqual(inbox.slice(0, 2).sort());
      // The pass fails with the server's absence; nothing is lost.
      const [offline] = await fx.sync([A().id], { allowFailure: true });
      expect(offline).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED' } });
      expect(listPendingOperations(fx.db, A().id).length).toBeGreaterThan(0);
    } finally {
      await server.start();
    }
    await fx.sync([A().id]);
    const folders = await serverFolders('alice');
    expect(folders).toContain('Trips');
    expect(folders).not.toContain('Travel');
    expect(folders).not.toContain('Old');
    await expectInStep('alice', A().id);
  });

  it('undoes delete, move and mark before the server saw them (cancelled) and after (the inverse, queued), online and offline', async () => {
    const before = await (async () => {
      const other = await secondClient(server, 'alice');
      try {
        return await serverState(other);
      } finally {
        await other.logout();
      }
    })();
    const [d, m, r] = idsIn(A().id, 'INBOX').filter((id) => !visible(A().id, 'INBOX').find((x) => x.id === id)!.seen);
    const archive = folderId(A().id, 'Archive');

    for (const offline of [true, false]) {
      for (const afterServer of [false, true]) {
        if (offline) await server.stop();
        try {
          const deleted = await fx.call('deleteMessages', { ids: [d!] });
          const moved = await fx.call('moveMessages', { ids: [m!], toFolderId: archive });
          const marked = await fx.call('markMessages', { ids: [r!], seen: true });
          expect(visible(A().id, 'Trash').map((x) => x.id)).toContain(d);
          expect(visible(A().id, 'Archive').map((x) => x.id)).toContain(m);
          if (afterServer) {
            if (offline) await server.start();
            await fx.sync([A().id]);
            await expectInStep('alice', A().id);
            if (offline) await server.stop();
          }
          // Newest first, as Ctrl+Z would; then by id.
          await fx.call('undo', {});
          await fx.call('undo', { id: moved.undo!.id });
          await fx.call('undo', { id: deleted.undo!.id });
          expect(visible(A().id, 'INBOX').map((x) => x.id)).toEqual(expect.arrayContaining([d, m]));
          expect(visible(A().id, 'INBOX').find((x) => x.id === r)!.seen).toBe(false);
          expect(marked.undo).not.toBeNull();
        } finally {
          if (offline) await server.start();
        }
        await fx.sync([A().id]);
        await expectInStep('alice', A().id);
        // Back as it was on the server: the same bytes in the same folders with the same flags (UIDs of
        // messages that went to Trash or Archive and back are new).
        const other = await secondClient(server, 'alice');
        try {
          const now = await serverState(other);
          const shape = (s: typeof now) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.map((x) => `${x.hash} ${x.flags.join(',')}`).sort()]));
          expect(shape(now)).toEqual(shape(before));
        } finally {
          await other.logout();
        }
      }
    }
  });

  it('moves messages across two accounts (upload, then removal from the first server), and back by undo', async () => {
    const moving = idsIn(A().id, 'INBOX').slice(0, 2);
    const hashes = moving.map((id) => sha256(readSource(fx.db, id))).sort();
    const bInbox = folderId(B().id, 'INBOX');
    const { undo } = await fx.call('moveMessages', { ids: moving, toFolderId: bInbox });
    await fx.sync([B().id, A().id]);
    await expectInStep('alice', A().id);
    await expectInStep('bob', B().id);
    expect(hashesIn(B().id, 'INBOX')).toEqual(expect.arrayContaining(hashes));
    expect(hashesIn(A().id, 'INBOX')).not.toEqual(expect.arrayContaining([hashes[0]]));

    // Offline this time: both servers follow once Dovecot is back; each message is on exactly one.
    await server.stop();
    try {
      await fx.call('undo', { id: undo!.id });
      expect(hashesIn(A().id, 'INBOX')).toEqual(expect.arrayContaining(hashes));
    } finally {
      await server.start();
    }
    await fx.sync([A().id, B().id]);
    await fx.sync([A().id, B().id]);
    await expectInStep('alice', A().id);
    await expectInStep('bob', B().id);
    const count = (list: string[], h: string) => list.filter((x) => x === h).length;
    for (const h of hashes) {
      expect(count(hashesIn(A().id, 'INBOX'), h)).toBe(1);
      expect(count(hashesIn(B().id, 'INBOX'), h)).toBe(0);
    }
  });
});

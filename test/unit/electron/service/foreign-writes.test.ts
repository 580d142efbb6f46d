import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReadDb, WriteDb } from '../../../../electron/store/db';
import { closeDb, openReadDb } from '../../../../electron/store/open';
import { followForeignWrites, type ForeignWrites, type ForeignWritesMode } from '../../../../electron/service/foreign-writes';
import { eml, ingest, localFolder, tempStore } from '../../../helpers/store';

type Change = { accountId: string; folderIds: number[]; messageIds: number[] };

/**
 * The app following a process that writes the store without telling it (homing sync from cron, homing
 * import): what it emits when the store's data_version says another connection committed. The write
 * connection here stands for that other process.
 */
describe('followForeignWrites', () => {
  let follower: ForeignWrites | null = null;
  let reader: ReadDb | null = null;
  let writer: WriteDb | null = null;
  afterEach(() => {
    vi.useRealTimers();
    follower?.stop();
    if (reader) closeDb(reader);
    if (writer) closeDb(writer);
    follower = reader = writer = null;
  });

  const setUp = (mode: ForeignWritesMode = 'announce') => {
    const store = tempStore();
    writer = store.db;
    const folder = localFolder(writer);
    reader = openReadDb(store.path);
    const heard: Array<{ event: string; payload: unknown }> = [];
    const state = { mode };
    follower = followForeignWrites(reader, (event, payload) => heard.push({ event, payload }), () => state.mode, 1_000);
    const add = async (n: number) =>
      (await ingest(store.db, eml({ Subject: `m${n}`, 'Message-ID': `<${n}@x>` }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } })).messageId;
    const changes = () => heard.filter((h) => h.event === 'messagesChanged').map((h) => h.payload as Change);
    return { db: store.db, folder, heard, state, add, changes };
  };

  it('says nothing while nobody else committed', () => {
    const { heard } = setUp();
    follower!.check();
    expect(heard).toEqual([]);
  });

  it('names the messages another process stored, with every folder of their account, once', async () => {
    const { db, folder, heard, add, changes } = setUp();
    const ids = [await add(1), await add(2)];
    follower!.check();
    expect(changes()).toEqual([{ accountId: 'local', folderIds: expect.arrayContaining([folder.id]) as number[], messageIds: ids }]);
    for (const event of ['outboxChanged', 'draftsChanged', 'identitiesChanged', 'rulesChanged', 'undoLogChanged']) expect(heard.map((h) => h.event)).toContain(event);
    // The accounts did not change: their views are not read again for nothing.
    expect(heard.map((h) => h.event)).not.toContain('accountsChanged');

    heard.length = 0;
    db.sqlite.prepare("UPDATE accounts SET name = 'Mine' WHERE id = 'local'").run();
    follower!.check();
    expect(changes()).toEqual([{ accountId: 'local', folderIds: expect.arrayContaining([folder.id]) as number[], messageIds: [] }]);
    expect(heard.filter((h) => h.event === 'accountsChanged')).toEqual([{ event: 'accountsChanged', payload: { accountIds: ['local'] } }]);
  });

  // Was a bug: only new messages were named, so the reading pane's open message (which reads itself again
  // when an event names it) kept the flags and folder it had before a cron sync changed them.
  it('names the messages another process flagged, tagged, moved or removed, as the writer names them', async () => {
    const { db, folder, heard, add, changes } = setUp();
    const other = localFolder(db, 'Elsewhere');
    const [flagged, tagged, moved, removed, untouched] = [await add(1), await add(2), await add(3), await add(4), await add(5)];
    follower!.check();
    heard.length = 0;
    db.sqlite.prepare('UPDATE messages SET seen = 1, flagged = 1 WHERE id = ?').run(flagged);
    db.sqlite.prepare(`UPDATE messages SET keywords = '["$label1"]' WHERE id = ?`).run(tagged);
    db.sqlite.prepare('UPDATE messages SET folder_id = ? WHERE id = ?').run(other.id, moved);
    db.sqlite.prepare('DELETE FROM messages WHERE id = ?').run(removed);
    const arrived = await add(6);
    follower!.check();
    expect(changes()).toEqual([
      { accountId: 'local', folderIds: expect.arrayContaining([folder.id, other.id]) as number[], messageIds: [flagged, tagged, moved, removed, arrived] },
    ]);
    expect(changes()[0]!.messageIds).not.toContain(untouched);
    // Told once: a look with nothing new names nothing.
    heard.length = 0;
    follower!.check();
    expect(heard).toEqual([]);
  });

  it('looks by itself at each interval; quiet while the holder tells this process, off while this process writes', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { state, add, changes } = setUp('quiet');
    await add(1);
    vi.advanceTimersByTime(1_000);
    expect(changes()).toEqual([]);
    // Not told again once the holder stops telling: it was told already.
    state.mode = 'announce';
    vi.advanceTimersByTime(1_000);
    expect(changes()).toEqual([]);
    const later = await add(2);
    vi.advanceTimersByTime(1_000);
    expect(changes().map((c) => c.messageIds)).toEqual([[later]]);
    state.mode = 'off';
    await add(3);
    vi.advanceTimersByTime(1_000);
    expect(changes()).toHaveLength(1);
  });
});

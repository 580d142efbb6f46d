import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { closeDb } from '../../electron/store/open';
import { WalCheckpointer } from '../../electron/sync/wal-checkpointer';
import { eventually } from '../helpers/imap-sync';
import { eml, ingest, localFolder, tempStore } from '../helpers/store';

const MB = 1024 * 1024;
const script = () => join(inject('buildDir'), 'node', 'checkpoint-worker.cjs');
const fileSize = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
const autocheckpoint = (store: ReturnType<typeof tempStore>) => store.db.sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;

/** Commits `count` messages of ~3 MB of incompressible text each, one transaction per message. */
async function commitBigMessages(store: ReturnType<typeof tempStore>, count: number): Promise<void> {
  const folder = localFolder(store.db);
  for (let i = 0; i < count; i++) {
    const body = randomBytes(2.25 * MB).toString('base64').replace(/.{76}/g, '$&\r\n');
    await ingest(store.db, eml({ Subject: `big ${i}`, 'Message-ID': `<big-${i}@example.org>` }, body), {
      accountId: 'local',
      folderId: folder.id,
      key: { kind: 'local' },
    });
  }
}

describe('WalCheckpointer (the built checkpoint thread)', () => {
  it("copies committed pages into the database file on its own thread, before the writer's own would (at 64 MB of WAL)", async () => {
    const store = tempStore();
    const checkpointer = WalCheckpointer.start(store.db, { dbPath: store.path }, script());
    expect(checkpointer).not.toBeNull();
    expect(autocheckpoint(store)).toBe(4000);
    // ~18 MB of sources, the same again as index text, and the index: under the writer's 64 MB of WAL,
    // so only the thread can have copied them into the database file.
    await commitBigMessages(store, 6);
    expect(fileSize(`${store.path}-wal`)).toBeLessThan(64 * MB);
    await eventually(() => fileSize(store.path), (size) => size > 20 * MB, 10_000);

    await checkpointer!.close();
    expect(autocheckpoint(store)).toBe(1000);
    closeDb(store.db);
    expect(fileSize(`${store.path}-wal`)).toBe(0);
  });

  it('ends the thread when no commit comes for a while and starts it again with the next commit', async () => {
    const store = tempStore();
    const checkpointer = WalCheckpointer.start(store.db, { dbPath: store.path }, script(), { idleMs: 500 });
    // Nothing committed yet (an app watching with nothing arriving): no thread.
    expect(checkpointer!.threadRunning).toBe(false);
    await commitBigMessages(store, 6);
    expect(checkpointer!.threadRunning).toBe(true);
    await eventually(() => fileSize(store.path), (size) => size > 20 * MB, 10_000);

    await eventually(() => checkpointer!.threadRunning, (running) => !running, 10_000);
    // Idle, not dead: the writer still leaves checkpoints to the thread the next commit starts.
    expect(autocheckpoint(store)).toBe(4000);
    const before = fileSize(store.path);
    await commitBigMessages(store, 6);
    expect(checkpointer!.threadRunning).toBe(true);
    expect(fileSize(`${store.path}-wal`)).toBeLessThan(64 * MB);
    await eventually(() => fileSize(store.path), (size) => size > before + 20 * MB, 10_000);

    await checkpointer!.close();
    expect(autocheckpoint(store)).toBe(1000);
    closeDb(store.db);
    expect(fileSize(`${store.path}-wal`)).toBe(0);
  });

  it('gives checkpoints back to the writer when the thread cannot open the database', async () => {
    const store = tempStore();
    const checkpointer = WalCheckpointer.start(store.db, { dbPath: join(store.dir, 'missing.sqlite') }, script());
    // The thread starts with the first commit.
    await commitBigMessages(store, 1);
    await eventually(() => autocheckpoint(store), (pages) => pages === 1000, 10_000);
    await commitBigMessages(store, 2);
    await checkpointer!.close();
    closeDb(store.db);
    expect(fileSize(store.path)).toBeGreaterThan(5 * MB);
  });
});

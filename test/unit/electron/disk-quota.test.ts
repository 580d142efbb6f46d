import type * as Fs from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDesktopHandlers, type DesktopDeps } from '../../../electron/shell/desktop-handlers';
import { exportFolderToMbox, exportMessageToEml } from '../../../electron/store/export-mail';
import { importMail } from '../../../electron/store/import-mail';
import { acquireWriterLock } from '../../../electron/store/writer-lock';
import { HomingError } from '../../../shared/errors';
import { tempStore } from '../../helpers/store';

/**
 * A used-up disk quota (EDQUOT) is a full disk to the user: every place that writes a file says DISK_FULL,
 * as they did for ENOSPC. No file system here has quotas switched on, so the file writes of node:fs fail
 * with the error Node would give while `quota.full` is set; everything else is the real module.
 */
const quota = vi.hoisted(() => ({
  full: false,
  error: () => Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT', errno: -122, syscall: 'write' }),
}));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof Fs>();
  const failingWrite = (...args: unknown[]) => (args.at(-1) as (error: Error) => void)(quota.error());
  return {
    ...real,
    writeSync: (...args: Parameters<typeof real.writeSync>) => {
      if (quota.full) throw quota.error();
      return real.writeSync(...args);
    },
    createWriteStream: (path: Parameters<typeof real.createWriteStream>[0], options?: Parameters<typeof real.createWriteStream>[1]) =>
      quota.full
        ? real.createWriteStream(path, { ...(typeof options === 'object' ? options : {}), fs: { open: real.open, close: real.close, write: failingWrite, writev: failingWrite } })
        : real.createWriteStream(path, options),
  };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    writeFile: (...args: Parameters<typeof real.writeFile>) => (quota.full ? Promise.reject(quota.error()) : real.writeFile(...args)),
  };
});

afterEach(() => {
  quota.full = false;
});

async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('a used-up disk quota (EDQUOT) is DISK_FULL', () => {
  it('taking the data directory’s lock (writer-lock.ts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-quota-lock-'));
    quota.full = true;
    const error = await failure(() => acquireWriterLock(dir));
    expect(error).toBeInstanceOf(HomingError);
    expect(error).toMatchObject({ code: 'DISK_FULL', detail: { reason: 'EDQUOT' } });
    quota.full = false;
    // Nothing was left behind to block the next try.
    acquireWriterLock(dir)();
  });

  it('exporting a folder or a message (export-mail.ts)', async () => {
    const { db, dir } = tempStore();
    const mbox = join(dir, 'in.mbox');
    writeFileSync(mbox, 'From a@example.org Mon Jan  1 00:00:00 2024\nSubject: one\n\nHello.\n');
    const imported = await importMail(db, { path: mbox, accountId: 'local', folderPath: 'Imported' });
    expect(imported.imported).toBe(1);
    const id = (db.sqlite.prepare('SELECT id FROM messages').get() as { id: number }).id;
    quota.full = true;
    expect(await failure(() => exportFolderToMbox(db, 'local', 'Imported', join(dir, 'out.mbox')))).toMatchObject({ code: 'DISK_FULL' });
    expect(await failure(() => exportMessageToEml(db, id, join(dir, 'out.eml')))).toMatchObject({ code: 'DISK_FULL' });
  });

  it('saving an attachment (desktop-handlers.ts)', async () => {
    const saveDir = mkdtempSync(join(tmpdir(), 'homing-quota-save-'));
    const handlers = createDesktopHandlers({
      service: { getAttachment: async () => ({ filename: 'report.pdf', contentType: 'application/pdf', base64: 'JVBERi0=' }) },
      saveDir,
      chooseSavePath: async () => join(saveDir, 'report.pdf'),
    } as unknown as DesktopDeps);
    quota.full = true;
    expect(await failure(() => handlers.saveAttachment({ messageId: 1, attachmentId: 1 }))).toMatchObject({ code: 'DISK_FULL', detail: { code: 'EDQUOT' } });
  });
});

import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HomingError } from '../../../../shared/errors';
import { acquireWriterLock } from '../../../../electron/store/writer-lock';
import { tempDir } from '../../../helpers/store';

const lockFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('homing.lock'));

function lockedError(run: () => unknown): HomingError {
  try {
    run();
  } catch (error) {
    if (error instanceof HomingError) return error;
    throw error;
  }
  throw new Error('expected DATA_DIR_LOCKED');
}

describe('the writer lock', () => {
  it('appears with its owner already written, leaves no file of its own beside it, and goes on release', () => {
    const dir = tempDir();
    const release = acquireWriterLock(dir);
    expect(lockFiles(dir)).toEqual(['homing.lock']);
    expect(JSON.parse(readFileSync(join(dir, 'homing.lock'), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(lockedError(() => acquireWriterLock(dir)).code).toBe('DATA_DIR_LOCKED');
    release();
    expect(lockFiles(dir)).toEqual([]);
  });

  it('takes over the lock of a process that is gone', () => {
    const dir = tempDir();
    // Pid 2^22 + 1 is above Linux's pid_max limit: no process has it.
    writeFileSync(join(dir, 'homing.lock'), JSON.stringify({ pid: 4_194_305, host: hostname(), since: '' }));
    const release = acquireWriterLock(dir);
    expect(JSON.parse(readFileSync(join(dir, 'homing.lock'), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('respects an unreadable lock for two seconds (it may be being written), then takes it over', () => {
    const dir = tempDir();
    const path = join(dir, 'homing.lock');
    writeFileSync(path, '');
    expect(lockedError(() => acquireWriterLock(dir)).code).toBe('DATA_DIR_LOCKED');
    // An empty lock three seconds old: left by an older version whose write failed (a full disk).
    const then = Date.now() / 1000 - 3;
    utimesSync(path, then, then);
    const release = acquireWriterLock(dir);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    release();
    expect(lockFiles(dir)).toEqual([]);
  });
});

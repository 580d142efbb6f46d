import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { HomingError } from '../../shared/errors';
import { lockPathOf, thisHost } from './data-dir';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/**
 * One writer per data directory across processes: the app, a `homing sync` from cron, a test. The lock
 * is a file created exclusively; a lock whose process is gone (killed, crashed) is taken over.
 * Returns the release function.
 */
export function acquireWriterLock(dataDir: string): () => void {
  const path = lockPathOf(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      const owner: LockOwner = { pid: process.pid, host: thisHost(), since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (readOwner(path)?.pid === process.pid) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new HomingError('IO_ERROR', `Could not create the lock file ${path}.`, { path }, { cause: error });
      }
      const owner = readOwner(path);
      if (owner && isAlive(owner)) {
        throw new HomingError(
          'DATA_DIR_LOCKED',
          `Another Homing process (pid ${owner.pid}) is writing ${dataDir}; reading still works.`,
          { pid: owner.pid, since: owner.since },
        );
      }
      // A stale lock (its process is gone), or an unreadable one old enough not to be mid-write: remove and retry.
      if (owner || isOlderThan(path, 10_000)) {
        try {
          unlinkSync(path);
        } catch {
          // Someone else took it over first; the next attempt sees theirs.
        }
      }
    }
  }
  throw new HomingError('DATA_DIR_LOCKED', `Could not take the lock on ${dataDir}.`);
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? '') };
  } catch {
    return null;
  }
}

function isOlderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return true;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock from another machine (a data directory on a network share) cannot be checked: respect it.
  if (owner.host !== thisHost()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

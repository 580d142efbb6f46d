import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { HomingError, isDiskFullError } from '../../shared/errors';
import { lockPathOf, thisHost } from './data-dir';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/**
 * How long a lock file nobody can read is respected. A lock made by this code is never seen empty (it
 * appears with its content, see createLock); one that is may come from an older version caught between
 * creating and writing it, which lasts microseconds, or from a filesystem without hard links, where the
 * content follows the creation by as little.
 */
const UNREADABLE_GRACE_MS = 2_000;

/**
 * One writer per data directory across processes: the app, a `homing sync` from cron, a test. A lock
 * whose process is gone (killed, crashed) is taken over. Returns the release function.
 */
export function acquireWriterLock(dataDir: string): () => void {
  const path = lockPathOf(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner: LockOwner = { pid: process.pid, host: thisHost(), since: new Date().toISOString() };
    if (createLock(path, JSON.stringify(owner))) {
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
    }
    const holder = readOwner(path);
    if (holder && isAlive(holder)) {
      throw new HomingError(
        'DATA_DIR_LOCKED',
        `Another Homing process (pid ${holder.pid}) is writing ${dataDir}; reading still works.`,
        { pid: holder.pid, since: holder.since },
      );
    }
    // A stale lock (its process is gone), or an unreadable one old enough not to be mid-write: remove and retry.
    if (holder || isOlderThan(path, UNREADABLE_GRACE_MS)) {
      try {
        unlinkSync(path);
      } catch {
        // Someone else took it over first; the next attempt sees theirs.
      }
    }
  }
  throw new HomingError('DATA_DIR_LOCKED', `Could not take the lock on ${dataDir}.`);
}

/**
 * Creates the lock file with its content already in it, or returns false when one exists. The content is
 * written to a file of our own first and then hard-linked to the lock's name: link() fails when the name
 * exists, so taking the lock stays exclusive, and nobody ever sees it half-written. A full disk fails the
 * write of our own file, which is removed; no lock is left behind. Every file handle is closed on every path.
 */
function createLock(path: string, content: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    writeWhole(temp, content, 'wx');
  } catch (error) {
    rmQuietly(temp);
    throw lockError(error, path);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Filesystems without hard links (FAT, some network shares): create exclusively, then write. If the
    // write fails, the empty file is ours to remove.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') return createExclusively(path, content);
    throw lockError(error, path);
  } finally {
    rmQuietly(temp);
  }
}

function createExclusively(path: string, content: string): boolean {
  try {
    writeWhole(path, content, 'wx');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    rmQuietly(path);
    throw lockError(error, path);
  }
}

/** Opens (with `flags`), writes everything, and closes, also when the write fails. */
function writeWhole(path: string, content: string, flags: string): void {
  const fd = openSync(path, flags, 0o600);
  try {
    const bytes = Buffer.from(content);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  } finally {
    closeSync(fd);
  }
}

function rmQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not there (never created, or already removed).
  }
}

function lockError(error: unknown, path: string): HomingError {
  if (isDiskFullError(error)) {
    return new HomingError(
      'DISK_FULL',
      `The disk is full: the lock file ${path} could not be written, so nothing was synced or changed.`,
      { path, reason: (error as NodeJS.ErrnoException).code },
      { cause: error },
    );
  }
  return new HomingError('IO_ERROR', `Could not create the lock file ${path}.`, { path }, { cause: error });
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

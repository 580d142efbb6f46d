import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dbPathOf } from './data-dir';

/** Only the user: the directory (and its folders) 0700, every file of ours 0600. */
const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/**
 * Files of ours in the data directory, by name: the database with its WAL, shared memory and journal,
 * the writer lock, the command socket's record, password files, logs, the temporary folder. Only these
 * are tightened: the directory may be one the user named (`--data-dir`), and files of theirs in it are
 * not ours to change.
 */
const OURS = /^(homing\.(sqlite(-wal|-shm|-journal)?|lock|socket\.json)|credentials[\w.-]*\.json|[\w.-]+\.log|tmp)$/;

/**
 * Makes the data directory private before anything is stored in it: mail is readable by whoever can
 * read this folder. A new directory is created 0700 and the database file 0600 before SQLite creates it
 * (SQLite gives its WAL and shared-memory files the database's mode); an existing directory, or a file
 * of ours, that others can read (the umask's 0755 and 0644, a copy, a restored backup) is tightened, and
 * `note` says so once. On Windows modes do not apply: the data directory is in the user's own profile.
 */
export function makeDataDirPrivate(dataDir: string, note: (text: string) => void): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform === 'win32') return;
  const widened: string[] = [];
  const tighten = (path: string, mode: number, name: string) => {
    try {
      const current = statSync(path).mode & 0o777;
      if ((current & 0o077) === 0) return;
      chmodSync(path, mode);
      widened.push(`${name} (mode ${current.toString(8).padStart(4, '0')})`);
    } catch {
      // Not ours to change (another owner) or gone meanwhile: the file's mode is there for the user to see.
    }
  };
  tighten(dataDir, PRIVATE_DIR_MODE, 'the data directory');
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (!OURS.test(entry.name)) continue;
    if (entry.isDirectory()) tighten(join(dataDir, entry.name), PRIVATE_DIR_MODE, entry.name);
    else if (entry.isFile()) tighten(join(dataDir, entry.name), PRIVATE_FILE_MODE, entry.name);
  }
  createPrivateFile(dbPathOf(dataDir));
  if (widened.length > 0) {
    note(
      `${dataDir} was readable by other users of this computer: ${widened.join(', ')}. ` +
        `It is now ${PRIVATE_DIR_MODE.toString(8).padStart(4, '0')} and its files ${PRIVATE_FILE_MODE.toString(8).padStart(4, '0')}.`,
    );
  }
}

/**
 * Creates an empty file readable by its owner only, unless it exists. An empty file is a valid empty
 * SQLite database, so the writer's open takes it as a new one and keeps its mode. A file that cannot be
 * created here (a read-only folder) is left to the open that follows, which says why with a code.
 */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch {
    // Exists already, or the open that follows will fail and explain.
  }
}

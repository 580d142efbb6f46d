import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, mkdtempSync, openSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as z from 'zod';
import { maxSocketPathBytes } from './limits';

/** The socket itself, in the data directory when its path is short enough (the usual case). */
export const SOCKET_FILE_NAME = 'homing.sock';
/** Where the holder says it serves, with the token a client presents first. Mode 0600, in the 0700 data directory. */
export const RECORD_FILE_NAME = 'homing.socket.json';
/** Prefix of the private folder made for the socket when the data directory's path is too long. */
const FALLBACK_DIR_PREFIX = 'homing-';

export const recordPathOf = (dataDir: string) => join(dataDir, RECORD_FILE_NAME);

const socketRecordSchema = z.object({
  /** The process holding the writer lock that serves this socket; must match the lock's owner. */
  pid: z.number().int().positive(),
  host: z.string(),
  /** The holder's Homing version: `homing` forwards only to its own version. */
  version: z.string(),
  /** A Unix socket path, or a Windows pipe name (`\\.\pipe\homing-<random>`). */
  address: z.string().min(1),
  /** The private folder made for the socket outside the data directory (a long data-directory path); removed with it. */
  fallbackDir: z.string().optional(),
  /** Presented by the client before anything else; 32 random bytes. */
  token: z.string().min(32).max(200),
  /**
   * The holder is a `homing` run that quits once its own command is done (a pass from cron, an import),
   * not when asked: `homing sync --watch` waits for it instead of refusing to start.
   */
  oneShot: z.boolean().optional(),
});
export type SocketRecord = z.output<typeof socketRecordSchema>;

/** Where a new socket goes. */
export interface SocketPlace {
  address: string;
  fallbackDir?: string;
}

/**
 * Picks the socket's address. Windows: a named pipe whose name has 128 random bits (the pipe namespace
 * is shared by every user of the computer; only the record, in the user's own profile, tells the name).
 * Elsewhere: `homing.sock` in the data directory (0700, so only its owner can reach the socket at all);
 * when that path is over the platform's limit, a socket in a new folder of random name (mkdtemp, 0700)
 * under XDG_RUNTIME_DIR (the user's own, 0700 by specification) or the temporary folder.
 */
export function chooseSocketPlace(dataDir: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): SocketPlace {
  if (platform === 'win32') return { address: `\\\\.\\pipe\\homing-${randomBytes(16).toString('hex')}` };
  const max = maxSocketPathBytes(platform);
  const inDataDir = join(dataDir, SOCKET_FILE_NAME);
  if (Buffer.byteLength(inDataDir) <= max) return { address: inDataDir };
  for (const base of [env.XDG_RUNTIME_DIR, tmpdir(), '/tmp']) {
    if (!base) continue;
    let dir: string;
    try {
      dir = mkdtempSync(join(base, FALLBACK_DIR_PREFIX));
    } catch {
      continue; // not there, or not ours to write
    }
    const address = join(dir, 's');
    if (Buffer.byteLength(address) <= max) return { address, fallbackDir: dir };
    rmdirSync(dir);
  }
  throw new Error(`no folder for the command socket has a path short enough (${max} bytes): ${inDataDir}`);
}

/** The record, or null when there is none or it cannot be read (a holder too old to write one, a damaged file). */
export function readSocketRecord(dataDir: string): SocketRecord | null {
  try {
    const parsed = socketRecordSchema.safeParse(JSON.parse(readFileSync(recordPathOf(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Writes the record whole: to a file of its own created 0600 (never readable by others, not even
 * briefly), then renamed over the old one, so a reader sees the old record or the new one.
 */
export function writeSocketRecord(dataDir: string, record: SocketRecord): void {
  const path = recordPathOf(dataDir);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    const bytes = Buffer.from(JSON.stringify(record));
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
}

/** Removes the record if it is still the one with this token (a newer holder's stays). */
export function removeSocketRecord(dataDir: string, token: string): void {
  if (readSocketRecord(dataDir)?.token === token) removeQuietly(recordPathOf(dataDir));
}

/**
 * Clears what a holder that was killed left behind: the socket file at `address` (only a socket: a file
 * of the user's by that name is never removed) and the fallback folder of the old record. Called by the
 * new holder, which has the writer lock, so nobody else can still be serving there.
 */
export function clearStaleSocket(dataDir: string, address: string): void {
  const old = readSocketRecord(dataDir);
  if (old?.fallbackDir) removeFallback(old.address, old.fallbackDir);
  removeSocketFile(address);
}

/** Removes the socket file at `path` if it is one; refuses anything else that has its name. */
export function removeSocketFile(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket; Homing leaves it alone and does not serve the command socket`);
  removeQuietly(path);
}

/** Removes a fallback folder made by chooseSocketPlace (its socket, then the empty folder), and nothing else. */
export function removeFallback(address: string, dir: string): void {
  if (!basename(dir).startsWith(FALLBACK_DIR_PREFIX) || join(dir, 's') !== address) return;
  try {
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid())) return;
  } catch {
    return;
  }
  removeQuietly(address);
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (not ours after all) or gone: left as it is.
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

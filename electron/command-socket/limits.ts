/** The command socket's limits (README, "The app and the command line at the same time"). */

/** The hello (token and version) is all a connection may send before it is known, so it is small. */
export const HELLO_MAX_BYTES = 4 * 1024;

/** How long a new connection has to present the token before it is closed. */
export const HELLO_TIMEOUT_MS = 10_000;

/**
 * The largest frame either way once the token is presented. A `send` carries its attachments as base64
 * inside one call (a page may never name a file), so this is sized for a big message, not for JSON calls.
 */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/**
 * Bytes written to a client that does not read them (events piling up) before its connection is dropped.
 * One frame may be as large as MAX_FRAME_BYTES, so this lies above it.
 */
export const MAX_UNREAD_BYTES = MAX_FRAME_BYTES + 16 * 1024 * 1024;

/** Connections open at once; more are closed on arrival (a runaway script; on Windows, a pipe others may open). */
export const MAX_CONNECTIONS = 64;

/**
 * How long a stopping holder waits, after closing its service, for the answers of calls it took before it
 * says bye: with the service closed they have all settled, so this only bounds a close without one.
 */
export const STOP_ANSWER_WAIT_MS = 5_000;

/** How long `homing` waits for the holder's welcome after connecting (a holder stuck in a long task). */
export const WELCOME_TIMEOUT_MS = 10_000;

/**
 * A writer that took the lock this recently may not have written its socket record yet (the socket is
 * served right after the worker starts): `homing` then looks again for up to RECORD_WAIT_MS.
 */
export const NEW_WRITER_GRACE_MS = 15_000;
export const RECORD_WAIT_MS = 5_000;

/**
 * The longest Unix socket path, in bytes without its terminating NUL: `sun_path` holds 108 bytes on
 * Linux and 104 on macOS and the BSDs. Node does not refuse a longer one: it cuts it short and binds
 * the socket wherever the shortened path points, so the length is checked here before listening.
 */
export function maxSocketPathBytes(platform: NodeJS.Platform = process.platform): number {
  return platform === 'linux' ? 107 : 103;
}

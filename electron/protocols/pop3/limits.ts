/**
 * Every size, count and time limit of the POP3 client in one place, each with the reason for its value
 * (the sync's own batching limits are in sync/pop3/limits.ts). Tests shorten the timeouts through
 * `Pop3ClientOptions.timeouts`; nothing else overrides them.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

export const POP3_LIMITS = {
  /**
   * One status line (`+OK …`/`-ERR …`) or one line of a listing. RFC 2449 §4 caps a response line at
   * 512 octets, but greeting banners and [SYS/PERM] explanations of some hosting servers run longer.
   */
  statusLineBytes: 4 * KiB,
  /** CAPA: a few dozen short lines in practice (RFC 2449 §5); anything near this is not a capability list. */
  capaBytes: 64 * KiB,
  /**
   * UIDL and LIST listings: about 80 octets a line (RFC 1939 §7: a unique-id is at most 70 characters),
   * so this allows more than a million messages in one maildrop.
   */
  listingBytes: 128 * MiB,
  /**
   * One RETR. Mail servers cap messages at 25–150 MB; a reply ten times larger than the largest of those
   * is a runaway server, refused (RESPONSE_TOO_LARGE) before it fills the disk.
   */
  messageBytes: 1024 * MiB,
  /**
   * What is kept of one TOP (headers plus a few lines); 16 MiB leaves room for spam with absurd headers.
   * The answer itself may run to messageBytes: a server that ignores TOP's line count sends the whole
   * message, and only what TOP asked for is kept (body-sinks.ts TopLinesSink).
   */
  topBytes: 16 * MiB,
  /**
   * A message up to this size is collected in memory; past it the rest streams to a temp file, so a
   * 50 MB message costs this much memory at most (plus the parser's own, which streams from the file).
   */
  spillToFileBytes: 4 * MiB,
} as const;

export interface Pop3Timeouts {
  /** TCP connect plus, for implicit TLS, the handshake. */
  connectMs: number;
  /** Greeting, CAPA, STLS and other quick commands. */
  commandMs: number;
  /**
   * USER/PASS, AUTH, APOP: servers deliberately wait after a failed login (Dovecot 2 s, some hosting
   * servers 15 s or more) and opening a large maildrop happens here too.
   */
  authMs: number;
  /**
   * The longest silence while a multi-line response (RETR, UIDL, LIST, TOP) is arriving: measured from the
   * last byte received, so a large message over a slow line is fine while a stalled server is not.
   */
  transferIdleMs: number;
  /** QUIT: the server expunges every DELE'd message in the UPDATE state before answering (RFC 1939 §6). */
  quitMs: number;
}

export const POP3_TIMEOUTS: Pop3Timeouts = {
  connectMs: 30_000,
  commandMs: 60_000,
  authMs: 90_000,
  transferIdleMs: 120_000,
  quitMs: 300_000,
};

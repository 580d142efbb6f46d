/**
 * The IMAP connection's time limits, each with why it is what it is (how sync batches its work is in
 * sync/imap/limits.ts).
 */
export const imapConnectionLimits = {
  /** TCP + TLS handshake budget: a host that never answers SYN must fail, not hang (imapflow's default is 90 s). */
  connectTimeoutMs: 20_000,
  /** The greeting follows the handshake at once on every server we know; a port that accepts and stays silent is the wrong service. */
  greetingTimeoutMs: 15_000,
  /**
   * No byte in either direction for this long while a command is in flight → TIMEOUT. Long enough for a
   * slow server answering a SEARCH on a big folder; short enough that a stalled connection is noticed.
   * During IDLE imapflow probes with NOOP instead of failing, which ends IDLE: the watch session
   * (sync/imap/watch.ts) starts it again at once.
   */
  socketTimeoutMs: 60_000,
  /** A NOOP that gets no answer in this long means the IDLE connection is dead (imapflow #14, #98). */
  noopTimeoutMs: 30_000,
} as const;

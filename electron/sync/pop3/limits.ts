/**
 * How POP3 sync batches its work (pipelining, commits, DELE), each with the reason for its value. The
 * client's own line, size and time limits are in protocols/pop3/limits.ts.
 */

const MiB = 1024 * 1024;

export const POP3_SYNC_LIMITS = {
  /**
   * PIPELINING (RFC 2449 §6): RETRs in flight at once. Enough to keep the connection busy while a message
   * is parsed and committed; more only fills socket buffers.
   */
  pipelineDepth: 16,
  /**
   * While messages are in flight, further RETRs wait until this many can go out together: each write is a
   * TLS record and a wake-up for both ends, and on a busy machine those wake-ups, not the bytes, cost
   * the time. Half the depth keeps the other half arriving meanwhile.
   */
  requestGroup: 8,
  /**
   * Sum of the LIST sizes of messages requested and not yet committed (in flight, or parsed and waiting
   * in a commit batch). Bounds memory when parsing falls behind the network; one bigger message is
   * always allowed alone (and goes through a temp file past spillToFileBytes).
   */
  pipelineBytes: 16 * MiB,
  /**
   * Parsed messages committed per transaction, at most. One transaction per message spends most of its
   * time in the commit itself (the full-text index writes a segment per commit); a batch of this many
   * costs about as much as one. Each message still goes in together with its UIDL.
   */
  commitBatchMessages: 100,
  /** …and at most this many bytes of message sources per transaction. */
  commitBatchBytes: 8 * MiB,
  /** …and no message waits longer than this to be committed (the list on screen fills as mail arrives). */
  commitBatchMs: 500,
  /**
   * DELE commands pipelined per batch before waiting for their answers; keeps the unanswered data small
   * even for servers with small receive buffers (RFC 2449 §6 asks clients to bound what they send ahead).
   */
  deleBatch: 256,
  /** Body lines kept with the headers when a message over the size limit is stored partially (TOP n). */
  previewLines: 40,
} as const;

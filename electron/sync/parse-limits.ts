/** Limits of the MIME parsing threads both sync engines share (parse-pool.ts). */
export const parseLimits = {
  /** MIME parsing threads beside the sync worker (one fewer than the cores, at most this many): parsing is the largest CPU cost of a sync. */
  maxParseThreads: 2,
  /**
   * Old-generation heap limit of a parsing thread. V8 derives how far a heap may grow between full
   * collections from this maximum: by 1.3-2x below 2 GB, by 4x from 2 GB. The thread keeps only ~10 MB
   * alive. At 160 MB it ran a full collection every few MB of promoted garbage (90 in a 10k-message sync,
   * ~1 s more wall time than at 2048 MB, 28); at 2048 MB its garbage and the message copies waiting for it
   * grew the sync's peak RSS by ~15 MB over 512 MB (factor ~1.4), which measured about the same CPU
   * (10k-message IMAP sync, one round each; 1024 MB measured the same as 512).
   * What the thread actually holds is bounded by the parse itself (attachments are drained, HTML is
   * converted up to MAX_HTML_TO_TEXT_CHARS); the limit only ends a runaway parse, whose message the sync
   * thread then parses instead.
   */
  parseThreadHeapMb: 512,
  /**
   * Young generation of a parsing thread. Parsing one message at a time, little survives a collection:
   * 8 MB (V8's default here: 32) measured the same CPU and wall time as 16 with ~8 MB less peak RSS
   * (10k-message IMAP sync, two alternating rounds each, load 5-7: 13.3 s user and 192-198 MB against
   * 13.5 s and 202-208 MB).
   */
  parseThreadYoungMb: 8,
} as const;

/** Limits of the MIME parsing threads both sync engines share (parse-pool.ts). */
export const parseLimits = {
  /** MIME parsing threads beside the sync worker (one fewer than the cores, at most this many): parsing is the largest CPU cost of a sync. */
  maxParseThreads: 2,
  /** Old-generation heap of a parsing thread: room for a 50 MB message's text; beyond it the sync thread parses instead. */
  parseThreadHeapMb: 160,
  /**
   * Young generation of a parsing thread. Parsing one message at a time, little survives a collection,
   * so 16 MB (V8's default here: 32) measured the same CPU with ~17 MB less peak RSS; 8 MB cost ~1 s of
   * CPU on 10k messages.
   */
  parseThreadYoungMb: 16,
} as const;

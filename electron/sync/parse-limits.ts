/** Limits of the MIME parsing threads both sync engines share (parse-pool.ts). */
export const parseLimits = {
  /** MIME parsing threads beside the sync worker (one fewer than the cores, at most this many): parsing is the largest CPU cost of a sync. */
  maxParseThreads: 2,
  /**
   * Old-generation heap limit of a parsing thread. V8 derives how far a heap may grow between full
   * collections from this maximum: by 1.3–2× below 2 GB, by 4× from 2 GB. The thread keeps only ~10 MB
   * alive, so at 160 MB it ran a full collection every few MB of promoted garbage: 90 in a 10k-message
   * sync, against 28 at 2048 MB, which measured ~1 s less wall time and ~2.5 s less CPU (4 interleaved
   * rounds, every one faster) for ~17 MB more peak RSS. What the thread actually holds is bounded by the
   * parse itself (attachments are drained, HTML is converted up to MAX_HTML_TO_TEXT_CHARS); the limit only
   * ends a runaway parse, whose message the sync thread then parses instead.
   */
  parseThreadHeapMb: 2048,
  /**
   * Young generation of a parsing thread. Parsing one message at a time, little survives a collection,
   * so 16 MB (V8's default here: 32) measured the same CPU with ~17 MB less peak RSS; 8 MB cost ~1 s of
   * CPU on 10k messages.
   */
  parseThreadYoungMb: 16,
} as const;

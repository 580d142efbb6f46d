/** Limits of the MIME parsing threads both sync engines share (parse-pool.ts). */
export const parseLimits = {
  /** MIME parsing threads beside the sync worker (one fewer than the cores, at most this many): parsing is the largest CPU cost of a sync. */
  maxParseThreads: 2,
  /** Old-generation heap of a parsing thread: room for a 50 MB message's text; beyond it the sync thread parses instead. */
  parseThreadHeapMb: 160,
} as const;

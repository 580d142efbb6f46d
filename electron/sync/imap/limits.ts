/** Every size, count and time limit of IMAP sync, each with why it is what it is. The connection's own are in protocols/imap/limits.ts. */
export const imapLimits = {
  /** Header batch: messages per FETCH and per write transaction, so the list fills in steps the UI can show. */
  headerBatch: 500,
  /** The first header batch of a folder: one screenful and a bit, committed at once so the list shows something within a second. */
  firstHeaderBatch: 60,
  /** Full sources asked for in one FETCH: few enough round trips, small enough that a cut costs little. */
  bodyBatch: 200,
  /** Flag answers (FETCH FLAGS) applied per write transaction as they arrive, so a folder's flags are never all in memory. */
  flagChunk: 1000,
  /** Rows the body phase reads from the store at a time (newest UID first), so what it holds does not grow with the folder. */
  bodyRowsPage: 1000,
  /** ...and at most this many bytes (by RFC822.SIZE) per FETCH, so a batch of mid-sized messages stays small in memory. */
  bodyBatchBytes: 4 * 1024 * 1024,
  /**
   * Messages larger than this are streamed with download() into a temp file (fetch({source}) holds a whole
   * message, and imapflow's parser a copy of it, in memory, as imapflow's own documentation and issue tracker say).
   */
  streamThresholdBytes: 4 * 1024 * 1024,
  /** Partial-fetch size for download(): 1 MB chunks keep round trips few and memory flat. */
  downloadChunkBytes: 1024 * 1024,
  /**
   * IDLE is broken and re-issued (with a NOOP in between that proves the server still answers) this often.
   * RFC 2177 section 3: servers may drop an IDLE after 30 minutes, clients should re-issue it within 29;
   * NAT boxes drop silent TCP flows much sooner, so we check far more often.
   */
  idleCheckMs: 4 * 60_000,
  /**
   * Characters of the UID set in one UID STORE / MOVE / EXPUNGE / SEARCH / COPY: keeps command lines well
   * under servers' 8–64 KB limits (RFC 7162 section 4 asks clients for ~8,192 octets). As long as the
   * longest set the former bound of 500 UIDs could make (ten digits and a comma each), so no server sees
   * a longer line than before; runs of consecutive UIDs let one command name more (a rule's move of
   * ~1,300 messages out of a 10,000-message INBOX: one UID MOVE, where Dovecot pays ~0.1–0.3 s per MOVE
   * however few it names, instead of three).
   */
  uidSetChars: 5_500,
  /**
   * Rounds over the queue in one replay: a flag change queued before the move of its message waits for
   * that move's new UID and goes in the next round; a third covers a change waiting on one of those.
   */
  replayRounds: 3,
  /** Replay attempts of one pending operation that fails with a non-refusal error before it is marked refused. */
  maxReplayAttempts: 5,
  /**
   * Parsed messages committed per transaction in the body phase. Fewer, larger commits write each
   * touched index page and FTS5 segment once per commit rather than four times; a cut costs at most
   * this many re-fetched messages. Parsing keeps going on its own thread while one commits.
   */
  bodyCommitEvery: 200,
  /** ...or as soon as this many bytes of sources wait in the queue (many mid-sized messages). */
  bodyCommitBytes: 8 * 1024 * 1024,
  /** Status events at most every this many messages within a phase (the status board throttles further). */
  progressEvery: 50,
} as const;

export type ImapLimits = typeof imapLimits;

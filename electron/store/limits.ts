/** Limits of the store, each with the reason for it. */

/** Raw source chunk size: a 50 MB message is written and read 1 MB at a time, never held whole. */
export const SOURCE_CHUNK_BYTES = 1024 * 1024;

/** A chunk is stored deflated only when that saves at least this fraction (JPEG/ZIP attachments do not shrink). */
export const MIN_COMPRESSION_SAVING = 0.1;

/**
 * A chunk at least this big is deflated only when a sample of it (a few windows) saves MIN_SAMPLED_SAVING.
 * Base64 attachments are most of mail's bytes, and Huffman coding saves only ~25% on them (6 bits of
 * entropy per 8-bit character), at the same CPU per byte as text, which it shrinks by 40–60%: on the
 * IMAP bench that quarter cost ~1.5 s of a 10k sync's ~20 s of CPU for 16% of the store's size.
 * Smaller chunks (most text and HTML mail) are simply tried whole.
 */
export const COMPRESSION_SAMPLE_MIN_BYTES = 64 * 1024;
export const MIN_SAMPLED_SAVING = 0.3;

/** Replies without a usable References header join a thread with the same subject only this close in time. */
export const THREAD_SUBJECT_WINDOW_MS = 30 * 24 * 3600 * 1000;

/** References kept per message for threading: long threads carry hundreds, the last ones are what matter (RFC 5322 §3.6.4). */
export const MAX_THREAD_REFERENCES = 50;

/** Messages parsed ahead and committed together during import: fewer commits, bounded memory. */
export const IMPORT_BATCH_MESSAGES = 200;

/** Bytes of parsed input held by one import batch before it is committed, whatever the message count. */
export const IMPORT_BATCH_BYTES = 32 * 1024 * 1024;

/** Messages read per step while exporting a folder, so the main thread yields between steps. */
export const EXPORT_BATCH_MESSAGES = 200;

/** Largest page a keyset listing hands out (the contract also caps `limit`). */
export const MAX_PAGE = 1000;

/**
 * Search hits (the newest) that get highlighted fragments: snippet() tokenizes a whole body per hit,
 * the costliest part of a search (about 0.1 ms each); a result list shows about a screenful before the
 * user opens a message or refines the query.
 */
export const MAX_HIGHLIGHTED_HITS = 30;

/**
 * A hit whose body is longer than this (in characters) gets no body fragment. FTS5's snippet() scores a
 * window at each match against every match before it, so its cost grows with the square of a word's
 * matches in the body: a 1 MB cron log with the word on every line took 8.6 s for one hit, and 19-26 s on a
 * loaded machine, while the search waited. Real letters are far shorter; the hit is still listed.
 */
export const MAX_SNIPPET_BODY_CHARS = 50_000;

/** Size limits of MIME parsing, each with the reason for it. */

/** Characters of body text handed to the full-text index: enough for any real letter, bounded for a 50 MB log paste. */
export const MAX_INDEXED_TEXT_CHARS = 1_000_000;

/** Characters of the list snippet: one or two lines of the message list. */
export const SNIPPET_CHARS = 200;

/**
 * HTML longer than this is not converted to text by mailparser (its converter is slow on huge HTML), and
 * for the store only this much of an HTML-only message is turned into index text (html-text.ts): a
 * 20 MB page would otherwise cost several 20 MB strings at once, for an index that keeps 1M characters.
 */
export const MAX_HTML_TO_TEXT_CHARS = 4_000_000;

/** Bytes of header read by the fallback parser when mailparser fails: a header block is rarely past a few KB. */
export const FALLBACK_HEADER_BYTES = 4 * 1024 * 1024;

/** Bytes read from a file source per read(): large enough to be fast, small enough to keep memory flat. */
export const READ_CHUNK_BYTES = 1024 * 1024;

/** An mbox message larger than this is written to a temp file while it is read, not kept in memory. */
export const MBOX_SPILL_BYTES = 8 * 1024 * 1024;

/** A Maildir or .eml file larger than this is handed to the store as a file source, not read into memory. */
export const FILE_SOURCE_BYTES = 8 * 1024 * 1024;

/**
 * An attachment body smaller than this is parsed as it is (attachment-skeleton.ts): cutting it saves less
 * than the bookkeeping costs.
 */
export const SKELETON_MIN_STRIPPED_BYTES = 2048;

/** Multipart nesting the skeleton follows; real mail nests 3–4 deep, deeper parts are simply parsed whole. */
export const SKELETON_MAX_DEPTH = 8;

/**
 * The largest header block plain-message.ts reads itself: far past any mailer's (a few KB), well under the
 * 1 MB past which mailparser's splitter refuses a message, a refusal the direct reader must not hide.
 */
export const DIRECT_HEADER_MAX_BYTES = 64 * 1024;

/** Of a forwarded message (message/rfc822) or calendar invitation (text/calendar) attachment, this much is read for search. */
export const ATTACHED_TEXT_BYTES = 256 * 1024;
/**
 * Of an opaque S/MIME signature (application/pkcs7-mime, signed-data), this much is read to show the
 * message inside it (signed-content.ts): the whole of it is needed, and signed mail is letters, not archives.
 */
export const SIGNED_CONTENT_BYTES = 16 * 1024 * 1024;
/** At most this many such attachments of one message are read for search. */
export const ATTACHED_TEXT_PARTS = 10;

/**
 * MIME parts one message may have before the parser gives up on it (mailsplit's maxChildNodes, 1,000 by
 * default). Mail with more exists (a mailing list digest of every post, an export of 1,200 receipts): at
 * 1,000 the message was stored as failed, its raw MIME shown as its text, none of its files offered.
 * A part costs the parser a small object; the bound only stops a message made of nothing but parts.
 */
export const MAX_MIME_PARTS = 20_000;

/**
 * A top-level header block up to this size is parsed as it is (header-bound.ts); every real mailer's is a
 * few KB. Past it, its fields are read one by one and cut to the sizes below.
 */
export const HEADER_BLOCK_UNTOUCHED_BYTES = 256 * 1024;
/**
 * Of one header field (a spam tool's megabyte X- field, a pasted Subject), this much is parsed: far past
 * any real field (a long thread's References is ~20 KB), and the splitter refuses a header block past 1 MB.
 */
export const HEADER_FIELD_KEPT_BYTES = 64 * 1024;
/** Once this much header block is kept, a further field keeps HEADER_FIELD_PAST_BLOCK_BYTES (many huge fields). */
export const HEADER_BLOCK_KEPT_BYTES = 512 * 1024;
export const HEADER_FIELD_PAST_BLOCK_BYTES = 1024;

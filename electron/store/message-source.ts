/**
 * Raw RFC 822 bytes to store: in memory, or (large messages) a temp file the downloader streamed to.
 * The type is defined in mime/ (a leaf, so the parser can take it) and named here for the ingest API.
 */
export type { MessageSource } from '../mime/message-source';
export { sourceSize } from '../mime/message-source';

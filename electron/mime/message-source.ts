/**
 * Raw RFC 822 bytes: in memory, or (large messages) a temp file the downloader streamed to. Defined in
 * mime/ (a leaf) so the parser can take it; store/message-source.ts re-exports it for the ingest API.
 */
export type MessageSource = { kind: 'buffer'; bytes: Buffer } | { kind: 'file'; path: string; size: number };

export function sourceSize(source: MessageSource): number {
  return source.kind === 'buffer' ? source.bytes.length : source.size;
}

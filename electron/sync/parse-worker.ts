/**
 * A MIME parsing thread (bundled as parse-worker.cjs beside worker.cjs): the sync worker hands it raw
 * sources and gets back ParsedMessages with the sources' hashes and compressed chunks, so parsing and
 * compressing run on another core while the sync worker reads the network and commits (parse-pool.ts).
 * It touches neither the database nor the network.
 */
import { parentPort } from 'node:worker_threads';
import type { MessageSource } from '../mime/message-source';
import { prepareSource, type ParseReply, type TransferRequest } from './parse-pool';

if (!parentPort) throw new Error('parse-worker.ts must run as a worker thread');
const port = parentPort;
port.on('message', (request: TransferRequest) => {
  const { source: raw } = request;
  // A transferred buffer arrives as a Uint8Array: wrap it (no copy) into the Buffer the parser expects.
  const source: MessageSource = raw.kind === 'buffer' ? { kind: 'buffer', bytes: Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength) } : raw;
  prepareSource(source).then(
    ({ parsed, encoded }) => {
      // Compressed chunks go back transferred, each as an exact-size buffer of its own (zlib's output can
      // be a view into a larger allocation, which a transfer would hand over whole).
      const chunks = encoded?.chunks.map((c) => (c && (c.byteOffset !== 0 || c.byteLength !== c.buffer.byteLength) ? new Uint8Array(c) : c)) ?? null;
      const transfer = (chunks ?? []).flatMap((c) => (c ? [c.buffer as ArrayBuffer] : []));
      port.postMessage({ id: request.id, parsed, encoded: encoded && chunks ? { ...encoded, chunks } : null } satisfies ParseReply, transfer);
    },
    (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies ParseReply),
  );
});

/**
 * A MIME parsing thread (bundled as parse-worker.cjs beside worker.cjs): the sync worker hands it raw
 * sources and gets back ParsedMessages with the sources' hashes and compressed chunks, so parsing and
 * compressing run on another core while the sync worker reads the network and commits (parse-pool.ts).
 * It touches neither the database nor the network.
 */
import { parentPort } from 'node:worker_threads';
import type { MessageSource } from '../mime/message-source';
// Loaded as the thread starts, not at its first message (prepareSource imports it on demand, for the sync thread's sake).
import '../mime/parse-message';
import { prepareSource, type ParseReply, type TransferRequest } from './parse-pool';

if (!parentPort) throw new Error('parse-worker.ts must run as a worker thread');
const port = parentPort;
// One message at a time, in arrival order: parses started together interleave their stream steps, so
// every one's buffers and strings outlive several young-generation collections and are promoted (the
// thread spent its time in full collections), and replies came back out of the order the sync commits in.
let tail: Promise<void> = Promise.resolve();
port.on('message', (request: TransferRequest) => {
  tail = tail
    .then(() => answer(request))
    .catch((error: unknown) => {
      // A reply that cannot be posted is a bug: end the thread as an uncaught error would, so the pool
      // parses this thread's tasks on its own (parse-pool.ts retire) rather than waiting for them forever.
      process.nextTick(() => {
        throw error;
      });
    });
});

function answer(request: TransferRequest): Promise<void> {
  const { source: raw } = request;
  // A transferred buffer arrives as a Uint8Array: wrap it (no copy) into the Buffer the parser expects.
  const source: MessageSource = raw.kind === 'buffer' ? { kind: 'buffer', bytes: Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength) } : raw;
  return prepareSource(source, request.encode ?? true).then(
    ({ parsed, encoded }) => {
      // Compressed chunks go back transferred, each as an exact-size buffer of its own (zlib's output can
      // be a view into a larger allocation, which a transfer would hand over whole).
      const chunks = encoded?.chunks.map((c) => (c && (c.byteOffset !== 0 || c.byteLength !== c.buffer.byteLength) ? new Uint8Array(c) : c)) ?? null;
      const transfer = (chunks ?? []).flatMap((c) => (c ? [c.buffer as ArrayBuffer] : []));
      port.postMessage({ id: request.id, parsed, encoded: encoded && chunks ? { ...encoded, chunks } : null } satisfies ParseReply, transfer);
    },
    (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies ParseReply),
  );
}

/**
 * A MIME parsing thread (bundled as parse-worker.cjs beside worker.cjs): the sync worker hands it raw
 * sources and gets ParsedMessages back, so parsing runs on another core while the sync worker reads the
 * network and commits (parse-pool.ts). It touches neither the store nor the network.
 */
import { parentPort } from 'node:worker_threads';
import { parseMessage } from '../../mime/parse-message';
import type { MessageSource } from '../../mime/message-source';
import type { ParseReply, TransferRequest } from './parse-pool';

if (!parentPort) throw new Error('parse-worker.ts must run as a worker thread');
const port = parentPort;
port.on('message', (request: TransferRequest) => {
  const { source: raw } = request;
  // A transferred buffer arrives as a Uint8Array: wrap it (no copy) into the Buffer the parser expects.
  const source: MessageSource = raw.kind === 'buffer' ? { kind: 'buffer', bytes: Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength) } : raw;
  parseMessage(source).then(
    (parsed) => port.postMessage({ id: request.id, parsed } satisfies ParseReply),
    (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies ParseReply),
  );
});

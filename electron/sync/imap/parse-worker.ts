/**
 * A MIME parsing thread (bundled as parse-worker.cjs beside worker.cjs): the sync worker hands it raw
 * sources and gets ParsedMessages back, so parsing runs on another core while the sync worker reads the
 * network and commits (parse-pool.ts). It touches neither the store nor the network.
 */
import { parentPort } from 'node:worker_threads';
import { parseMessage } from '../../mime/parse-message';
import type { ParseReply, ParseRequest } from './parse-pool';

if (!parentPort) throw new Error('parse-worker.ts must run as a worker thread');
const port = parentPort;
port.on('message', (request: ParseRequest) => {
  parseMessage(request.source).then(
    (parsed) => port.postMessage({ id: request.id, parsed } satisfies ParseReply),
    (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies ParseReply),
  );
});

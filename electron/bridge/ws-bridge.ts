import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventNames, type MailService } from '../../shared/contract';
import { type DispatchOptions, dispatch } from '../../shared/dispatch';
import { pageCsp } from '../app-csp';
import { bridgeRequestSchema } from './bridge-protocol';
import { readStaticFile } from './static-files';

/** The largest WebSocket message the bridge reads (the renderer's calls are small JSON). */
const BRIDGE_MAX_FRAME_BYTES = 8 * 1024 * 1024;

export interface BridgeOptions {
  service: MailService;
  /** The built renderer (dist/renderer), served at `/`. */
  staticDir?: string;
  port?: number;
  /**
   * Serve the methods that name files (import, export), which the bridge refuses by default exactly as
   * Electron's IPC gate does: a page on the bridge must not choose a file to overwrite. Only for tests
   * that drive those methods through the bridge (`dev-web --allow-path-methods`).
   */
  allowPathMethods?: boolean;
}

export interface Bridge {
  /** Open this in a browser: the token travels in the fragment, which is never sent to any server. */
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * The test and `dev:web` transport: MailService over a loopback WebSocket, guarded by a random token and
 * by Host/Origin checks (so neither another local web page nor a DNS-rebinding attack can call it).
 * The same dispatch() gate as IPC validates every call, and refuses the methods that name files unless
 * `allowPathMethods` says otherwise.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = randomBytes(24).toString('base64url');
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: BRIDGE_MAX_FRAME_BYTES });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  http.on('request', async (req, res) => {
    if (!allowedHosts.has(req.headers.host ?? '') || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(403).end();
      return;
    }
    const file = options.staticDir ? await readStaticFile(options.staticDir, req.url ?? '/') : null;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': file.contentType,
      'content-security-policy': pageCsp(req.url ?? '/', { bridgeOrigin: origin }),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });

  http.on('upgrade', (req, socket, head) => {
    if (!isAllowed(req, token, allowedHosts)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, options.service, { allowPathMethods: options.allowPathMethods === true }));
  });

  return {
    url: `${origin}/#token=${token}`,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      // A browser keeps keep-alive connections open; close() alone would wait for them.
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}

function isAllowed(req: IncomingMessage, token: string, allowedHosts: Set<string>): boolean {
  if (!allowedHosts.has(req.headers.host ?? '')) return false;
  // Browsers always send Origin on WebSocket upgrades: only our own page may connect. Node clients send none.
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.has(origin.replace(/^https?:\/\//, ''))) return false;
  const given = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function serve(ws: WebSocket, service: MailService, gate: DispatchOptions): void {
  // ws refuses a bad frame (over maxPayload: close code 1009; a text frame that is not UTF-8: 1007) by
  // closing this socket with that code, and reports it as an 'error' event on the socket. An event
  // emitter's 'error' with no listener throws, which ended the whole process; ws has already started
  // the close, so listening is all it takes for only this socket to go.
  ws.on('error', () => undefined);
  const stops = eventNames.map((event) =>
    service.on(event, (payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    }),
  );
  ws.on('close', () => stops.forEach((stop) => stop()));
  ws.on('message', async (data) => {
    let request;
    try {
      request = bridgeRequestSchema.parse(JSON.parse(data.toString()));
    } catch {
      ws.close(1008, 'malformed request');
      return;
    }
    const envelope = await dispatch(service, request.method, request.args, gate);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: request.id, envelope }));
  });
}

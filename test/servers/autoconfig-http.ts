import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { createTestCa, type TestCa } from './test-ca';

/**
 * The web side of autoconfig on loopback: one HTTP and one HTTPS server (certificate from a test CA) that
 * answer for any host name the test's DNS maps to 127.0.0.1, by the Host header. Tests register what each
 * URL answers: an autoconfig file, 404/500, malformed XML, a redirect, an answer that never comes.
 * Clients reach them through a port map (80 → httpPort, 443 → httpsPort).
 */
export interface RouteAnswer {
  status?: number;
  body?: string;
  contentType?: string;
  /** Location of a 302. */
  redirect?: string;
  /** Accept the request and never answer (a slow or hung server). */
  stall?: boolean;
}

export interface AutoconfigHttp {
  readonly httpPort: number;
  readonly httpsPort: number;
  /** `{80: httpPort, 443: httpsPort}` for the resolvers' port map. */
  readonly portMap: Record<number, number>;
  /** The CA that signed the HTTPS certificate (trust it in the client to verify normally). */
  readonly ca: TestCa;
  /** Every request: `https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=…`. */
  readonly requests: string[];
  /** What `scheme://host/path` (no query) answers; unregistered URLs get 404. */
  route(url: string, answer: RouteAnswer): void;
  clearRoutes(): void;
  close(): Promise<void>;
}

export async function startAutoconfigHttp(options: { names: string[]; ca?: TestCa }): Promise<AutoconfigHttp> {
  const ca = options.ca ?? (await createTestCa());
  const cert = await ca.issue(options.names);
  const routes = new Map<string, RouteAnswer>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();

  const handler = (scheme: 'http' | 'https') => (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const url = new URL(req.url ?? '/', `${scheme}://${host}`);
    requests.push(url.href);
    const answer = routes.get(`${scheme}://${host}${url.pathname}`);
    if (!answer) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (answer.stall) return; // The socket stays open until the client gives up or close() ends it.
    if (answer.redirect) {
      res.writeHead(302, { location: answer.redirect }).end();
      return;
    }
    res.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? 'application/xml' }).end(answer.body ?? '');
  };

  const http = createHttpServer(handler('http'));
  const https = createHttpsServer({ cert: cert.pem, key: await readFile(cert.keyPath, 'utf8') }, handler('https'));
  const track = (server: Server) => server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  track(http);
  track(https);
  https.on('tlsClientError', () => undefined);
  const listen = (server: Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      }),
    );
  const httpPort = await listen(http);
  const httpsPort = await listen(https);

  return {
    httpPort,
    httpsPort,
    portMap: { 80: httpPort, 443: httpsPort },
    ca,
    requests,
    route(url, answer) {
      const parsed = new URL(url);
      routes.set(`${parsed.protocol.replace(':', '')}://${parsed.hostname}${parsed.pathname}`, answer);
    },
    clearRoutes() {
      routes.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([http, https].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

/** A Thunderbird config-v1.1 file, as providers and the ISPDB serve them. */
export function autoconfigXml(
  domain: string,
  servers: Array<{ type: 'imap' | 'pop3' | 'smtp'; hostname: string; port: number; socketType: 'SSL' | 'STARTTLS' | 'plain'; username?: string; authentication?: string[] }>,
): string {
  const server = (s: (typeof servers)[number]) => {
    const tag = s.type === 'smtp' ? 'outgoingServer' : 'incomingServer';
    const auth = (s.authentication ?? ['password-cleartext']).map((a) => `      <authentication>${a}</authentication>`).join('\n');
    return `    <${tag} type="${s.type}">
      <hostname>${s.hostname}</hostname>
      <port>${s.port}</port>
      <socketType>${s.socketType}</socketType>
${auth}
      <username>${s.username ?? '%EMAILADDRESS%'}</username>
    </${tag}>`;
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${domain}">
    <domain>${domain}</domain>
    <displayName>${domain} Mail</displayName>
${servers.map(server).join('\n')}
  </emailProvider>
</clientConfig>
`;
}

import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A plain-text IMAP proxy in front of a real server (Dovecot with plaintext logins allowed) that rewrites
 * the server's responses line by line, to play quirks of servers in the wild that no local server shows:
 * a QRESYNC server whose VANISHED responses are missing or wrong, a server that drops the connection in
 * answer to a wrong password. Literals ({n} then n bytes) pass through untouched, so message bytes are
 * never mistaken for responses. Plain TCP on 127.0.0.1 only: the rewriting needs the clear text.
 */
export interface ImapQuirkProxy {
  readonly port: number;
  /** Server response lines the rewriter changed or dropped so far (a test proves its quirk was exercised). */
  readonly rewritten: string[];
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** What to do with one server response line (CRLF excluded): keep it, replace it, drop it, or cut the connection. */
export type LineRewrite = (line: string) => string | null | 'cut' | undefined;

export async function startImapQuirkProxy(target: { host: string; port: number }, rewrite: LineRewrite): Promise<ImapQuirkProxy> {
  const rewritten: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((client) => {
    connections++;
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', () => {
        sockets.delete(s);
        end();
      });
    }
    client.pipe(upstream);

    // Server → client: complete lines are judged; a line ending in a literal announcement lets the next
    // n bytes through as they are.
    let pending = Buffer.alloc(0);
    let literalLeft = 0;
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      for (;;) {
        if (literalLeft > 0) {
          const take = Math.min(literalLeft, pending.length);
          out.push(pending.subarray(0, take));
          pending = pending.subarray(take);
          literalLeft -= take;
          if (literalLeft > 0) break;
        }
        const eol = pending.indexOf('\r\n');
        if (eol === -1) break;
        const raw = pending.subarray(0, eol + 2);
        pending = pending.subarray(eol + 2);
        // IMAP response lines are ASCII outside literals (RFC 3501 section 4); latin1 keeps every byte as is.
        const line = raw.subarray(0, eol).toString('latin1');
        const literal = /\{(\d+)\}$/.exec(line);
        if (literal) {
          literalLeft = Number(literal[1]);
          out.push(raw);
          continue;
        }
        const verdict = rewrite(line);
        if (verdict === undefined || verdict === line) {
          out.push(raw);
          continue;
        }
        rewritten.push(line);
        if (verdict === 'cut') {
          if (out.length > 0) client.write(Buffer.concat(out));
          end();
          return;
        }
        if (verdict !== null) out.push(Buffer.from(`${verdict}\r\n`, 'latin1'));
      }
      if (out.length > 0) client.write(Buffer.concat(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    rewritten,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

import { createServer, connect, type Server, type Socket } from 'node:net';

/** What the proxy does to the connections it carries. TLS passes through untouched (it only counts bytes). */
export type Fault =
  | { kind: 'pass' }
  /** Forward exactly `afterBytes` bytes from the server, then close both sides (FIN, or RST with `reset`). */
  | { kind: 'cut'; afterBytes: number; reset?: boolean }
  /** Forward `afterBytes` bytes from the server, then forward nothing more in either direction, keeping the sockets open. */
  | { kind: 'stall'; afterBytes: number }
  /** Deliver server bytes at this rate. */
  | { kind: 'throttle'; bytesPerSecond: number };

export interface FaultProxy {
  readonly port: number;
  /** Applies `fault` to the next `connections` new connections (default: every connection from now on). */
  inject(fault: Fault, connections?: number): void;
  /** Back to passing everything through, for new connections. */
  heal(): void;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Client connections open now (until the client hangs up). */
  readonly openConnections: number;
  /** Bytes forwarded server → client, over all connections. */
  readonly bytesDown: number;
  /**
   * For the latest connection: how many server bytes it had forwarded each time a client chunk went up
   * (a command, a TLS record). Tells where in the byte stream the answer to, say, the last command starts.
   */
  readonly upMarks: readonly number[];
  /** Stops listening (new connections are refused, as by a server that is down) and drops the open ones; `accept()` undoes it. */
  refuse(): Promise<void>;
  accept(): Promise<void>;
  /** Drops every open connection (as a network failure would). */
  dropAll(): void;
  /** The open connections stop forwarding anything, in both directions, and stay open (a server that hangs). */
  stallOpen(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for fault tests (test/servers/README.md, "Faults"): it cuts a
 * connection after N bytes, stalls it (a server that stops answering), or throttles it.
 */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const queue: Array<{ fault: Fault; left: number }> = [];
  let standing: Fault = { kind: 'pass' };
  let accepted = 0;
  let clients = 0;
  let bytesDown = 0;
  let upMarks: number[] = [];
  const open = new Set<Socket>();
  const stallers = new Set<() => void>();

  const nextFault = (): Fault => {
    const head = queue[0];
    if (!head) return standing;
    head.left -= 1;
    if (head.left <= 0) queue.shift();
    return head.fault;
  };

  const server: Server = createServer((client) => {
    accepted += 1;
    clients += 1;
    // Gone for the count as soon as the client hangs up (its FIN), not when the proxy's side closes later.
    let counted = true;
    const uncount = () => {
      if (counted) clients -= 1;
      counted = false;
    };
    client.once('end', uncount);
    client.once('close', uncount);
    const fault = nextFault();
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const done = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', done);
    upstream.on('error', done);
    client.on('close', done);
    upstream.on('close', done);

    let down = 0;
    const marks: number[] = [];
    upMarks = marks;
    let stalled = false;
    const stall = () => {
      stalled = true;
    };
    stallers.add(stall);
    client.once('close', () => stallers.delete(stall));
    client.on('data', (chunk: Buffer) => {
      if (stalled) return;
      marks.push(down);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (stalled) return;
      if (fault.kind === 'cut' || fault.kind === 'stall') {
        const room = fault.afterBytes - down;
        const part = room < chunk.length ? chunk.subarray(0, Math.max(0, room)) : chunk;
        down += part.length;
        bytesDown += part.length;
        if (part.length > 0) client.write(part);
        if (down >= fault.afterBytes) {
          if (fault.kind === 'stall') {
            stalled = true;
          } else if (fault.reset) {
            client.resetAndDestroy();
            upstream.destroy();
          } else {
            client.end();
            upstream.destroy();
          }
        }
        return;
      }
      down += chunk.length;
      bytesDown += chunk.length;
      if (fault.kind === 'throttle') {
        upstream.pause();
        client.write(chunk);
        setTimeout(() => upstream.resume(), Math.ceil((chunk.length / fault.bytesPerSecond) * 1000));
      } else if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => {
      if (!stalled) client.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fault proxy: no port');

  return {
    port: address.port,
    inject(fault, connections) {
      if (connections === undefined) {
        queue.length = 0;
        standing = fault;
      } else {
        queue.push({ fault, left: connections });
      }
    },
    heal() {
      queue.length = 0;
      standing = { kind: 'pass' };
    },
    get accepted() {
      return accepted;
    },
    get openConnections() {
      return clients;
    },
    get bytesDown() {
      return bytesDown;
    },
    get upMarks() {
      return upMarks;
    },
    refuse() {
      for (const socket of open) socket.destroy();
      open.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
    accept() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(address.port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    dropAll() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    stallOpen() {
      for (const stall of stallers) stall();
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

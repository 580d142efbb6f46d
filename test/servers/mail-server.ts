import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import type { TestCertificate } from './certificate';
import type { TestUser } from './dovecot';

const run = promisify(execFile);

/**
 * What the interop suites (test/integration/interop-*.test.ts) need from any real server: Dovecot, Cyrus
 * and Courier each implement it (test/servers/{dovecot,cyrus,courier}.ts, interop.ts). Ports are free
 * loopback ports chosen at start; `certificate` is the self-signed one the server presents on every port.
 */
export interface MailServerPorts {
  imap: number;
  imaps: number;
  pop3: number;
  pop3s: number;
}

export interface AppendItem {
  raw: Buffer;
  flags?: string[];
  internalDate?: Date;
}

export interface MailServer {
  readonly kind: 'dovecot' | 'cyrus' | 'courier';
  readonly host: '127.0.0.1';
  readonly ports: MailServerPorts;
  readonly users: TestUser[];
  readonly certificate: TestCertificate;
  /** The personal namespace (RFC 2342) as the server announces it: prefix and hierarchy delimiter. */
  readonly namespace: { prefix: string; delimiter: string };
  /** Puts messages into a folder (made if missing, with its parents) as another mail program would: APPEND. */
  append(user: string, folder: string, items: AppendItem[]): Promise<void>;
  /** Stops the server (as if it went down); `start()` brings it back on the same ports. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its directory. */
  destroy(): Promise<void>;
  log(): Promise<string>;
}

/**
 * The server's name for a folder written with `/` under the personal namespace: `Données/Été` is
 * `Données/Été` on Dovecot and Cyrus (altnamespace, unixhierarchysep) and `INBOX.Données.Été` on Courier.
 */
export function serverPath(server: Pick<MailServer, 'namespace'>, folder: string): string {
  if (folder.toUpperCase() === 'INBOX') return 'INBOX';
  return server.namespace.prefix + folder.split('/').join(server.namespace.delimiter);
}

/** An IMAP client logged in over implicit TLS, trusting exactly the server's certificate. */
export async function adminClient(server: Pick<MailServer, 'ports' | 'certificate' | 'users'>, user: string): Promise<ImapFlow> {
  const password = server.users.find((u) => u.name === user)?.password;
  if (password === undefined) throw new Error(`no test user ${user}`);
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: server.ports.imaps,
    secure: true,
    servername: 'localhost',
    tls: { ca: [server.certificate.pem] },
    auth: { user, pass: password },
    logger: false,
    qresync: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** APPEND with the folder (and its parents) made first: what `MailServer.append` does on every server. */
export async function appendOverImap(server: MailServer, user: string, folder: string, items: AppendItem[]): Promise<void> {
  const client = await adminClient(server, user);
  try {
    const path = serverPath(server, folder);
    if (path !== 'INBOX') {
      const existing = new Set((await client.list()).map((f) => f.path));
      const parts = folder.split('/');
      for (let i = 1; i <= parts.length; i++) {
        const sub = serverPath(server, parts.slice(0, i).join('/'));
        if (!existing.has(sub)) await client.mailboxCreate(sub);
      }
    }
    for (const item of items) {
      const result = await client.append(path, item.raw, item.flags ?? [], item.internalDate);
      if (!result) throw new Error(`${server.kind} refused APPEND to ${path}`);
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** Waits until every port accepts connections (`open`) or refuses them (`!open`). */
export async function waitForPorts(ports: number[], open: boolean, what: string, log: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (const port of ports) {
    for (;;) {
      const accepting = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (accepting === open) break;
      if (Date.now() > deadline) throw new Error(`${what} port ${port} did not ${open ? 'open' : 'close'} in time.\n${(await log()).slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * The folder holding the unpacked Cyrus and Courier server packages (test/servers/get-server-packages.sh,
 * run by .ci/run; run here on first use when the base packages are installed but the folder is missing).
 */
let packagesRoot: Promise<string> | null = null;
export function serverPackagesRoot(): Promise<string> {
  packagesRoot ??= run('bash', [join(import.meta.dirname, 'get-server-packages.sh')], { maxBuffer: 1 << 20 }).then(
    ({ stdout }) => stdout.trim().split('\n').pop()!,
    (error: { stderr?: string; message: string }) => {
      packagesRoot = null;
      throw new Error(`could not obtain the Cyrus/Courier server packages: ${error.stderr || error.message}`);
    },
  );
  return packagesRoot;
}

/** Installed base packages (see .ci/run): without them the server cannot run here at all. */
export function baseInstalled(paths: string[]): boolean {
  return paths.every((p) => existsSync(p));
}

export const readLog = (path: string) => readFile(path, 'utf8').catch(() => '');

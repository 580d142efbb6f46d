import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../helpers/cli';
import { type ServerKind, startServer } from './interop';
import type { MailServer } from './mail-server';

/**
 * alice's IMAP account on one server of the interop matrix, driven through the `homing` command line in a data
 * directory of its own: `homing` runs a command, `ok` runs one that must exit 0 and gives its stdout.
 */
export function interopCli() {
  let server: MailServer | undefined;
  let dataDir = '';
  const homing = (...args: string[]) => runCli(['--data-dir', dataDir, ...args], { env: { PW: 'alice-secret' } });
  const ok = async (...args: string[]) => {
    const result = await homing(...args);
    expect(result.status, `homing ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };
  return {
    homing,
    ok,
    /** Starts the server, lets `fill` put mail on it, then adds the account (trusting the server's certificate). */
    async start(kind: ServerKind, label: string, fill?: (server: MailServer) => Promise<void>): Promise<{ server: MailServer; accountId: string }> {
      const started = await startServer(kind);
      server = started;
      await fill?.(started);
      dataDir = join(mkdtempSync(join(tmpdir(), `homing-${label}-${kind}-`)), 'data');
      const accountId = (
        await ok(
          ...['account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(started.ports.imaps)],
          ...['--security', 'tls', '--username', 'alice', '--password-env', 'PW', '--trust-fingerprint', started.certificate.fingerprint256],
        )
      ).trim();
      return { server: started, accountId };
    },
    async stop(): Promise<void> {
      await server?.destroy();
    },
  };
}

import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POP3_SYNC_LIMITS } from '../../electron/sync/pop3/limits';
import { Pop3Client } from '../../electron/protocols/pop3/pop3-client';
import { runCli } from '../helpers/cli';
import { deliverMany, maildirFiles, pop3Fixture, storedPop3 } from '../helpers/pop3-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Messages on both sides of the POP3 pipeline's byte budget (POP3_SYNC_LIMITS.pipelineBytes, 16 MiB), on the
 * real Dovecot: a RETR the budget holds back must still be sent, awaited and stored within the same pass.
 * The sync plans newest first, so an oldest message that does not fit beside the newer ones is the last
 * request of the pass: the one a pass could forget.
 */

const BUDGET = POP3_SYNC_LIMITS.pipelineBytes;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A message of exactly `size` bytes with CRLF line ends, so Dovecot's LIST size (RFC 1939 octets) is the file size. */
function messageOfSize(n: number, size: number): Buffer {
  const head =
    `From: Sender ${n} <sender${n}@example.org>\r\nTo: alice@example.org\r\nSubject: sized message ${n} (${size} bytes)\r\n` +
    `Message-ID: <sized-${n}@homing.test>\r\nDate: ${new Date(Date.UTC(2024, 0, 1, 0, n)).toUTCString()}\r\n\r\n`;
  const line = `${'x'.repeat(74)}\r\n`;
  let left = size - Buffer.byteLength(head);
  if (left < 3) throw new Error(`message ${n}: ${size} bytes is too small`);
  const lines = Math.floor((left - 3) / line.length);
  let body = line.repeat(lines);
  left -= lines * line.length;
  // The last line takes what is left: at least one character and its CRLF.
  body += `${'y'.repeat(left - 2)}\r\n`;
  const raw = Buffer.from(head + body, 'latin1');
  if (raw.length !== size) throw new Error(`message ${n}: made ${raw.length} bytes, wanted ${size}`);
  return raw;
}

const SMALL = 2000;
/** Four small messages after (newer than) a big one, as in the report: the big one is the oldest. */
const smallOnes = (base: number) => [1, 2, 3, 4].map((i) => messageOfSize(base + i, SMALL + i));
const smallTotal = [1, 2, 3, 4].reduce((n, i) => n + SMALL + i, 0);

describe('POP3: a message past the pipelining byte budget is downloaded in the same pass (real Dovecot)', () => {
  let server: DovecotServer;
  const users = ['cli30mb', 'fits', 'atbudget', 'over', 'newestbig'];
  beforeAll(async () => {
    server = await startDovecot({ users: users.map((name) => ({ name, password: `${name}-secret` })) });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  /** The sizes the server gives in LIST: checks the test's arithmetic against the server's own count. */
  async function listSizes(user: string): Promise<number[]> {
    const client = await Pop3Client.connect({
      host: '127.0.0.1',
      port: server.ports.pop3s,
      security: 'tls',
      trustedFingerprint: server.certificate.fingerprint256,
    });
    try {
      await client.login(user, `${user}-secret`);
      return (await client.list()).map((m) => m.size);
    } finally {
      client.close();
    }
  }

  it('`homing sync` stores a 30 MB oldest message and the four small ones after it in one pass, and exits 0', async () => {
    const big = messageOfSize(100, 30 * 1024 * 1024);
    const raws = [big, ...smallOnes(100)];
    deliverMany(server, 'cli30mb', raws);
    const dir = mkdtempSync(join(tmpdir(), 'homing-pop3-budget-'));
    const added = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'cli30mb@example.org', '--protocol', 'pop3', '--host', '127.0.0.1',
        '--port', String(server.ports.pop3s), '--security', 'tls', '--username', 'cli30mb', '--password-env', 'PW',
        '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { PW: 'cli30mb-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    const id = added.stdout.trim();

    const synced = await runCli(['--data-dir', dir, 'sync']);
    expect(synced.status, synced.stderr).toBe(0);
    expect(synced.stderr).toContain(`${id}: synced, 5 new`);
    const listed = JSON.parse((await runCli(['--data-dir', dir, 'list', '--json'])).stdout) as Array<{ id: number; subject: string; size: number }>;
    expect(listed).toHaveLength(5);
    const stored = listed.find((m) => m.subject.startsWith('sized message 100 '))!;
    expect(stored).toBeDefined();
    const shown = await runCli(['--data-dir', dir, 'show', String(stored.id), '--raw']);
    expect(shown.status, shown.stderr).toBe(0);
    expect(sha(Buffer.from(shown.stdout, 'latin1'))).toBe(sha(big));
    // Nothing was left for a second pass.
    const again = await runCli(['--data-dir', dir, 'sync']);
    expect(again.stderr).toContain(`${id}: synced, 0 new`);
  });

  it.each([
    ['fits', 'the big one and the four small ones fill the budget exactly (all five in flight at once)', BUDGET - smallTotal],
    ['atbudget', 'the big one alone is exactly the budget (it waits until the small ones are committed)', BUDGET],
    ['over', 'the big one is one byte over the budget (it waits, then goes alone)', BUDGET + 1],
  ] as const)('%s: %s', async (user, _what, bigSize) => {
    const big = messageOfSize(200, bigSize);
    const raws = [big, ...smallOnes(200)];
    deliverMany(server, user, raws);
    const sizes = await listSizes(user);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(bigSize + smallTotal);

    const f = await pop3Fixture({
      port: server.ports.pop3s,
      security: 'tls',
      user,
      password: `${user}-secret`,
      trustedFingerprint: server.certificate.fingerprint256,
    });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 5 });
    expect(storedPop3(f.db, f.account.id).map((m) => sha(m.raw)).sort()).toEqual(raws.map(sha).sort());
    expect(maildirFiles(server.maildir(user))).toHaveLength(5);
  });

  it('a 30 MB newest message first, then four older small ones: all five in one pass', async () => {
    const big = messageOfSize(300, 30 * 1024 * 1024);
    // Delivered oldest first: the small ones, then the big one (the highest message number, asked for first).
    const raws = [...smallOnes(300), big];
    deliverMany(server, 'newestbig', raws);
    const f = await pop3Fixture({
      port: server.ports.pop3s,
      security: 'tls',
      user: 'newestbig',
      password: 'newestbig-secret',
      trustedFingerprint: server.certificate.fingerprint256,
    });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 5 });
    expect(storedPop3(f.db, f.account.id).map((m) => sha(m.raw)).sort()).toEqual(raws.map(sha).sort());
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { eventually } from '../helpers/imap-sync';
import { makeCertificate } from '../servers/certificate';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * `homing sync --watch` left running while the server's self-signed certificate, which the user trusted by
 * its fingerprint, is replaced by another that does not verify (renewed by hand, the host moved). Was a
 * bug: the watch said only 'The server's certificate changed … someone may be intercepting the connection',
 * not what to run once the user has checked the new fingerprint, as `homing account test` does.
 */
/** alice on `server`'s IMAPS, its certificate trusted by fingerprint, in a fresh data folder. */
async function addTrustingAccount(server: DovecotServer, name: string): Promise<{ dataDir: string; id: string }> {
  const dataDir = join(mkdtempSync(join(tmpdir(), `homing-${name}-`)), 'data');
  const added = await runCli(
    ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(server.ports.imaps),
      '--security', 'tls', '--username', 'alice', '--password-env', 'PW', '--insecure-store-in-file', '--trust-fingerprint', server.certificate.fingerprint256],
    { env: { PW: 'alice-secret' } },
  );
  expect(added.status, added.stderr).toBe(0);
  return { dataDir, id: added.stdout.trim() };
}

/** `server` restarted with a new self-signed certificate (renewed by hand); returns it. */
async function renewCertificate(server: DovecotServer): Promise<{ fingerprint256: string }> {
  const renewed = await makeCertificate(await mkdtemp(join(tmpdir(), 'homing-new-cert-')));
  copyFileSync(renewed.certPath, server.certificate.certPath);
  copyFileSync(renewed.keyPath, server.certificate.keyPath);
  await server.stop();
  await server.start();
  return renewed;
}

/** The command `stderr` prints to trust the new certificate, and its fingerprint; null when it printed none. */
function trustCommand(stderr: string, id: string): { command: string; fingerprint: string } | null {
  const match = new RegExp(`to trust exactly this certificate: (homing account edit ${id} --trust-fingerprint ([0-9a-f]{64}) --password-env VAR)`).exec(stderr);
  return match ? { command: match[1]!, fingerprint: match[2]! } : null;
}

/** Runs a printed `homing account edit …` as the user would, the password in PW. */
async function runAsPrinted(dataDir: string, command: string): Promise<void> {
  const args = command.split(' ').slice(1).map((a) => (a === 'VAR' ? 'PW' : a));
  const edited = await runCli(['--data-dir', dataDir, ...args], { env: { PW: 'alice-secret' } });
  expect(edited.status, edited.stderr).toBe(0);
}

describe('homing sync --watch across a certificate change', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot();
  });
  afterAll(async () => {
    await server?.destroy();
  });
  const message = `From: a@example.org\r\nTo: alice@example.org\r\nSubject: after the change\r\nMessage-ID: <cert-change@homing.test>\r\n\r\nHello.\r\n`;

  it('names the fingerprint and the command that trusts it; run as printed, the watch syncs again without a restart', async () => {
    const { dataDir, id } = await addTrustingAccount(server, 'watch-cert');
    const watcher: ChildProcess = spawn(process.execPath, [join(inject('buildDir'), 'node', 'homing.cjs'), '--data-dir', dataDir, 'sync', '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    watcher.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const subjects = async () => (JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--json'])).stdout) as Array<{ subject: string }>).map((m) => m.subject);
    try {
      await eventually(() => stderr, (s) => s.includes(`${id}: synced, 0 new\n`), 60_000);
      const renewed = await renewCertificate(server);
      await server.deliver('alice', message);
      await eventually(() => stderr, (s) => s.includes(`homing: TLS_CERT_CHANGED: ${id}: `), 60_000);
      const trust = await eventually(() => trustCommand(stderr, id), (m) => m !== null);
      expect(trust!.fingerprint).toBe(renewed.fingerprint256);
      expect(stderr).toContain(renewed.fingerprint256.toUpperCase().match(/../g)!.join(':'));
      expect(await subjects()).toEqual([]);

      await runAsPrinted(dataDir, trust!.command);
      await eventually(() => stderr, (s) => s.endsWith(`${id}: synced again\n`), 30_000);
      expect(await eventually(subjects, (s) => s.length > 0)).toEqual(['after the change']);
    } finally {
      watcher.kill('SIGTERM');
    }
  }, 180_000);
});

/**
 * The same change met by a single `homing sync` (cron, or by hand). Was a bug: only the watch printed the
 * command; a pass's outcome carried the error's code and message alone, so the one-shot sync said that
 * the certificate changed and nothing of what to run.
 */
describe('homing sync (one pass) after a certificate change', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('prints the fingerprint and the command that trusts it, as the watch does; run as printed, the next sync works', async () => {
    const { dataDir, id } = await addTrustingAccount(server, 'sync-cert');
    expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);
    const renewed = await renewCertificate(server);

    const synced = await runCli(['--data-dir', dataDir, 'sync']);
    expect(synced.status).toBe(1);
    expect(synced.stderr).toContain(`homing: TLS_CERT_CHANGED: ${id}: `);
    const trust = trustCommand(synced.stderr, id);
    expect(trust, synced.stderr).not.toBeNull();
    expect(trust!.fingerprint).toBe(renewed.fingerprint256);
    await runAsPrinted(dataDir, trust!.command);
    const again = await runCli(['--data-dir', dataDir, 'sync']);
    expect(again.status, again.stderr).toBe(0);
  }, 120_000);
});

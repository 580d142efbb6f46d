import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { eventually } from '../helpers/imap-sync';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { startFaultProxy } from '../servers/fault-proxy';

/**
 * `homing sync --watch` left running with accounts on two servers, one of which goes down and comes back.
 * Found by running it against a Courier and a Cyrus for an hour: after the first pass's lines it printed
 * nothing at all, so a server down for an hour (and back) looked exactly like a quiet mailbox.
 */
describe('homing sync --watch says when an account stops syncing and when it is back', () => {
  let down: DovecotServer;
  let up: DovecotServer;
  beforeAll(async () => {
    [down, up] = await Promise.all([startDovecot(), startDovecot()]);
  });
  afterAll(async () => {
    await Promise.all([down?.destroy(), up?.destroy()]);
  });

  const message = (n: number) => `From: a@example.org\r\nTo: alice@example.org\r\nSubject: watch ${n}\r\nMessage-ID: <watch${n}@homing.test>\r\n\r\nBody ${n}.\r\n`;

  async function addAccount(server: DovecotServer, dataDir: string, port = server.ports.imaps, extra: string[] = []): Promise<string> {
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(port),
        '--security', 'tls', '--username', 'alice', '--password-env', 'WATCH_PW', '--trust-fingerprint', server.certificate.fingerprint256, ...extra],
      { env: { WATCH_PW: 'alice-secret' } },
    );
    expect(added).toMatchObject({ status: 0, stderr: '' });
    return added.stdout.trim();
  }

  it('prints the error once when a server goes down, nothing for the account that keeps working, a line when it is back, and nothing for a removed account', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'homing-watch-report-')), 'data');
    const a = await addAccount(down, dataDir);
    const b = await addAccount(up, dataDir);
    const watcher: ChildProcess = spawn(process.execPath, [join(inject('buildDir'), 'node', 'homing.cjs'), '--data-dir', dataDir, 'sync', '--watch'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    watcher.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => watcher.once('exit', (code) => resolve(code)));
    const subjects = async () => (JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--json'])).stdout) as Array<{ subject: string }>).map((m) => m.subject);
    try {
      await eventually(() => stderr, (s) => s.includes(`${a}: synced, 0 new\n`) && s.includes(`${b}: synced, 0 new\n`));
      const firstPass = stderr;
      await down.stop();
      // The IDLE connection is gone: the account is reported once, however often it retries meanwhile.
      await eventually(() => stderr, (s) => new RegExp(`^homing: (CONNECTION_LOST|CONNECTION_REFUSED): ${a}: `, 'm').test(s.slice(firstPass.length)));
      await up.deliver('alice', message(1));
      expect(await eventually(subjects, (s) => s.includes('watch 1'))).toContain('watch 1');
      await new Promise((r) => setTimeout(r, 5_000)); // a few retries (2 s, 4 s) against the stopped server
      const outage = stderr.slice(firstPass.length).split('\n').filter(Boolean);
      expect(outage, outage.join("\n")).toHaveLength(1);

      await down.start();
      await down.deliver('alice', message(2));
      await eventually(() => stderr, (s) => s.endsWith(`${a}: synced again\n`), 60_000);
      expect(await eventually(subjects, (s) => s.includes('watch 2'))).toContain('watch 2');
      expect(stderr).not.toContain(`${b}: synced again`);

      // An account removed while its pass hangs (a server that stopped answering): its pass is cancelled,
      // which is the user's doing, not news (it printed "homing: CANCELLED: ID: Sync was stopped.").
      const proxy = await startFaultProxy({ host: '127.0.0.1', port: up.ports.imaps });
      try {
        proxy.inject({ kind: 'stall', afterBytes: 0 });
        const hung = await addAccount(up, dataDir, proxy.port, ['--no-test']);
        await eventually(() => proxy.accepted, (n) => n > 0);
        const before = stderr;
        expect(await runCli(['--data-dir', dataDir, 'account', 'remove', hung, '--yes'])).toMatchObject({ status: 0 });
        await new Promise((r) => setTimeout(r, 1_000));
        expect(stderr.slice(before.length)).toBe('');
      } finally {
        await proxy.close();
      }
    } finally {
      watcher.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 120_000);
});

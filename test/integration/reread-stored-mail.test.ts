import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Mail stored before a parser fix is read again from its stored bytes by the next Homing that opens the
 * store. Found syncing a message with doubled line ends (\r\r\n) from Dovecot with a Homing before 7f7a0fd
 * and then running the fixed one: homing show gave the text (it parses the stored bytes), but the list's
 * preview stayed empty and homing search found none of its words, for good.
 *
 * The store is made by this build and then given what the older parser stored (an empty preview and
 * index text, the scan at version 0 as a store migrated from before it is), since an older build is not
 * at hand in a test run.
 */
describe('mail stored before a parser fix, in a store opened by homing sync --watch', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot();
    await server.deliver(
      'alice',
      'From: Backup Script <backup@example.org>\r\nTo: alice@example.org\r\nSubject: Nightly backup\r\nDate: Mon, 1 Jan 2024 03:00:00 +0000\r\n' +
        'Message-ID: <crcr-2@example.org>\r\nContent-Type: text/plain; charset=us-ascii\r\r\n\r\r\nThe backup of the wombat share finished.\r\r\n',
    );
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('gets its preview and index words back', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'homing-reread-')), 'data');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(server.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'PW',
        '--trust-fingerprint', server.certificate.fingerprint256, '--insecure-store-in-file'],
      { env: { PW: 'alice-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);
    const store = new Database(join(dataDir, 'homing.sqlite'));
    const { id, date } = store.prepare('SELECT id, date FROM messages').get() as { id: number; date: number };
    const key = `((max(0, min(${date} / 1000, 4294967295)) << 30) | ${id})`;
    store.exec(`UPDATE messages SET snippet = '' WHERE id = ${id};
      UPDATE message_search SET body = '' WHERE rowid = ${key};
      UPDATE reread_scan SET parser_version = 0, up_to = 0, last_message_id = 0;`);
    store.close();
    const search = async () => JSON.parse((await runCli(['--data-dir', dataDir, 'search', 'wombat', '--json'])).stdout) as Array<{ id: number }>;
    expect(await search()).toEqual([]);

    const watcher: ChildProcess = spawn(process.execPath, [join(inject('buildDir'), 'node', 'homing.cjs'), '--data-dir', dataDir, 'sync', '--watch'], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    try {
      const deadline = Date.now() + 30_000;
      while ((await search()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
      expect((await search()).map((m) => m.id)).toEqual([id]);
      const listed = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--json'])).stdout) as Array<{ snippet: string }>;
      expect(listed[0]!.snippet).toBe('The backup of the wombat share finished.');
    } finally {
      watcher.kill('SIGTERM');
      await new Promise((resolve) => watcher.once('exit', resolve));
    }
  });
});

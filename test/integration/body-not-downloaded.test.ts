import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany as deliverImap } from '../helpers/imap-sync';
import { deliverMany as deliverPop3, testMessage } from '../helpers/pop3-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * `homing show ID --raw` and `homing export` on messages whose body is not stored: a POP3 message over the
 * account's size limit (stored from TOP: headers and the first lines) and IMAP messages outside the offline
 * scope (headers only). With the server reachable the rest is downloaded first and the output is the
 * server's exact bytes; with it down the command fails BODY_NOT_DOWNLOADED and writes nothing, unless
 * --headers-only asks for the header block alone.
 */
describe('show --raw and export of a message whose body is not downloaded (real Dovecot)', () => {
  let server: DovecotServer;
  let dir: string;
  const cli = (...args: string[]) => runCli(['--data-dir', dir, ...args]);
  const bigPop3 = Buffer.from(testMessage(1, Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\r\n') + '\r\n'));
  const imapInbox = [corpusMessage(16), corpusMessage(24)];
  const imapOld = [corpusMessage(32), corpusMessage(40)];
  const imapOlder = [corpusMessage(48), corpusMessage(56)];
  const headerBlock = (raw: Buffer) => raw.subarray(0, raw.indexOf('\r\n\r\n') + 4);
  let ids: Map<string, number>;
  let imapAccount: string;

  beforeAll(async () => {
    server = await startDovecot({
      users: [
        { name: 'popper', password: 'popper-secret' },
        { name: 'imapper', password: 'imapper-secret' },
      ],
    });
    deliverPop3(server, 'popper', [bigPop3]);
    await deliverImap(server, 'imapper', [...imapInbox.map((raw) => ({ raw })), ...imapOld.map((raw) => ({ folder: 'Old', raw })), ...imapOlder.map((raw) => ({ folder: 'Older', raw }))]);
    dir = mkdtempSync(join(tmpdir(), 'homing-body-'));
    const add = async (user: string, protocol: string, port: number) => {
      const added = await runCli(
        ['--data-dir', dir, 'account', 'add', '--email', `${user}@example.org`, '--protocol', protocol, '--host', '127.0.0.1',
          '--port', String(port), '--security', 'tls', '--username', user, '--password-env', 'PW', '--trust-fingerprint', server.certificate.fingerprint256],
        { env: { PW: `${user}-secret` } },
      );
      expect(added.status, added.stderr).toBe(0);
      return added.stdout.trim();
    };
    const pop = await add('popper', 'pop3', server.ports.pop3s);
    const imap = await add('imapper', 'imap', server.ports.imaps);
    imapAccount = imap;
    // Settings the CLI has no flags for: POP3 headers only over 4 KB; IMAP bodies only for the last day.
    const db = new Database(join(dir, 'homing.sqlite'));
    const set = (id: string, patch: object) => {
      const row = db.prepare('SELECT settings FROM accounts WHERE id = ?').get(id) as { settings: string };
      db.prepare('UPDATE accounts SET settings = ? WHERE id = ?').run(JSON.stringify({ ...JSON.parse(row.settings), ...patch }), id);
    };
    set(pop, { pop3MaxMessageKb: 4 });
    set(imap, { offlineScope: { kind: 'recent', days: 1 } });
    db.close();
    const synced = await cli('sync');
    expect(synced.status, synced.stderr).toBe(0);
    const listed = JSON.parse((await cli('list', '--json')).stdout) as Array<{ id: number; subject: string }>;
    ids = new Map(listed.map((m) => [m.subject, m.id]));
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const bodyStatus = (id: number) => {
    const db = new Database(join(dir, 'homing.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT body_status AS s FROM messages WHERE id = ?').get(id) as { s: string }).s;
    } finally {
      db.close();
    }
  };

  it('server reachable: show --raw and export download the rest first and give the server\'s exact bytes', async () => {
    const popId = ids.get('message 1')!;
    expect(bodyStatus(popId)).toBe('partial');
    const shown = await cli('show', String(popId), '--raw');
    expect(shown.status, shown.stderr).toBe(0);
    expect.soft(Buffer.byteLength(shown.stdout, 'latin1'), 'bytes written by show --raw').toBe(bigPop3.length);
    expect(Buffer.from(shown.stdout, 'latin1').equals(bigPop3)).toBe(true);
    expect(bodyStatus(popId)).toBe('full');

    const imapId = ids.get('Message 16')!;
    expect(bodyStatus(imapId)).toBe('headers');
    const eml = join(dir, 'm16.eml');
    const exported = await cli('export', '--message', String(imapId), '--eml', eml);
    expect(exported.status, exported.stderr).toBe(0);
    expect.soft(readFileSync(eml).length, 'bytes written by export --message').toBe(imapInbox[0]!.length);
    expect(readFileSync(eml).equals(imapInbox[0]!)).toBe(true);

    const mbox = join(dir, 'old.mbox');
    const folder = await cli('export', '--account', imapAccount, '--folder', 'Old', '--mbox', mbox);
    expect(folder.status, folder.stderr).toBe(0);
    expect(folder.stderr).toContain('exported 2 messages');
    const text = readFileSync(mbox, 'latin1');
    for (const raw of imapOld) expect(text).toContain(raw.toString('latin1').split('\r\n\r\n')[1]!.trim().split('\r\n')[0]!);
  });

  it('--headers-only is in the help of show and export', async () => {
    const help = await cli('--help');
    expect(help.stdout + help.stderr).toMatch(/show ID \[--raw \[--headers-only\]/);
    expect(help.stdout + help.stderr).toMatch(/export --account ID --folder PATH --mbox OUT \[--headers-only\]/);
  });

  it('server down: BODY_NOT_DOWNLOADED and nothing written, unless --headers-only', async () => {
    await server.stop();
    try {
      const id = ids.get('Message 24')!;
      expect(bodyStatus(id)).toBe('headers');
      const shown = await cli('show', String(id), '--raw');
      expect.soft(shown.stdout, 'what show --raw printed').toBe('');
      expect(shown.status).not.toBe(0);
      expect(shown.stderr).toMatch(/^homing: BODY_NOT_DOWNLOADED: /m);
      expect(shown.stdout).toBe('');

      const eml = join(dir, 'm24.eml');
      const exported = await cli('export', '--message', String(id), '--eml', eml);
      expect(exported.stderr).toMatch(/^homing: BODY_NOT_DOWNLOADED: /m);
      expect(existsSync(eml)).toBe(false);

      const headers = await cli('show', String(id), '--raw', '--headers-only');
      expect(headers.status, headers.stderr).toBe(0);
      expect(Buffer.from(headers.stdout, 'latin1').equals(headerBlock(imapInbox[1]!))).toBe(true);
      const headersEml = await cli('export', '--message', String(id), '--eml', eml, '--headers-only');
      expect(headersEml.status, headersEml.stderr).toBe(0);
      expect(readFileSync(eml).equals(headerBlock(imapInbox[1]!))).toBe(true);

      // A folder with messages stored without their body: all or nothing.
      const mbox = join(dir, 'older.mbox');
      const folder = await cli('export', '--account', imapAccount, '--folder', 'Older', '--mbox', mbox);
      expect(folder.status).not.toBe(0);
      expect(folder.stderr).toMatch(/^homing: BODY_NOT_DOWNLOADED: 2 of these messages are stored without their body .*--headers-only gives the header block alone\.$/m);
      expect(existsSync(mbox)).toBe(false);
      const headersOnly = await cli('export', '--account', imapAccount, '--folder', 'Older', '--mbox', mbox, '--headers-only');
      expect(headersOnly.status, headersOnly.stderr).toBe(0);
      expect(headersOnly.stderr).toContain('exported 2 messages');
      const text = readFileSync(mbox, 'latin1');
      for (const raw of imapOlder) expect(text).toContain(headerBlock(raw).toString('latin1'));
      expect(text).not.toContain('Hello number');
      console.log(`server down: ${shown.stderr.trim()}`);
    } finally {
      await server.start();
    }
  });
});

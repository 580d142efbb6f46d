import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Mail from old mailers that write the header in the charset of their text, without RFC 2047: a Russian
 * one in windows-1251, a Japanese one in Shift_JIS. Found syncing such mail from Dovecot: the list,
 * homing show and the search index had 'Ïðèâåò ìèð' and '“ú–{Œê‚ÌŒ\x8f–¼' (windows-1252), so searching
 * мир found nothing.
 */
describe('raw 8-bit headers in the charset of the message’s text, synced from Dovecot', () => {
  let server: DovecotServer;
  const russian = Buffer.concat([
    Buffer.from('From: '), Buffer.from('c8e2e0ed20cfe5f2f0eee2', 'hex'), Buffer.from(' <ivan@example.ru>\r\nSubject: '),
    Buffer.from('cff0e8e2e5f220ece8f0', 'hex'), // Привет мир
    Buffer.from('\r\nMessage-ID: <r1@example.ru>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
    Buffer.from('cff0e8e2e5f2', 'hex'), Buffer.from('\r\n'),
  ]);
  const japanese = Buffer.concat([
    Buffer.from('From: taro@example.jp\r\nSubject: '), Buffer.from('93fa967b8cea82cc8c8f96bc', 'hex'), // 日本語の件名
    Buffer.from('\r\nMessage-ID: <j1@example.jp>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\nhonbun\r\n--b--\r\n'),
  ]);

  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'ivan', password: 'ivan-secret' }] });
    await server.deliver('ivan', russian);
    await server.deliver('ivan', japanese);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it.each(['imap', 'pop3'] as const)('lists, shows and finds them by their words (%s)', async (protocol) => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-charsets-'));
    const added = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'ivan@example.ru', '--protocol', protocol, '--host', '127.0.0.1',
        '--port', String(protocol === 'imap' ? server.ports.imaps : server.ports.pop3s), '--security', 'tls', '--username', 'ivan',
        '--password-env', 'PW', '--trust-fingerprint', server.certificate.fingerprint256, '--insecure-store-in-file'],
      { env: { PW: 'ivan-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    const synced = await runCli(['--data-dir', dir, 'sync']);
    expect(synced.status, synced.stderr).toBe(0);
    const listed = JSON.parse((await runCli(['--data-dir', dir, 'list', '--json'])).stdout) as Array<{ id: number; subject: string; from: { name: string } }>;
    expect(listed.map((m) => m.subject).sort()).toEqual(['Привет мир', '日本語の件名']);
    const ivan = listed.find((m) => m.subject === 'Привет мир')!;
    expect(ivan.from.name).toBe('Иван Петров');
    const found = JSON.parse((await runCli(['--data-dir', dir, 'search', 'мир', '--json'])).stdout) as Array<{ id: number }>;
    expect(found.map((m) => m.id)).toEqual([ivan.id]);
    const shown = JSON.parse((await runCli(['--data-dir', dir, 'show', String(ivan.id), '--json'])).stdout) as { headers: Array<[string, string]> };
    expect(shown.headers).toContainEqual(['Subject', 'Привет мир']);
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { dataPictureMessage } from '../helpers/odd-mail';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/mime', name));

/** A header with one field of 1.2 MB (made here: a fixture of that size would weigh on the repository). */
const hugeHeader = Buffer.from(
  `From: Ada <ada@example.org>\r\nTo: olga@example.org\r\nX-Scanner-Trace: ${'x'.repeat(1_200_000)}\r\n` +
    'Subject: Huge header, small letter\r\nMessage-ID: <huge-1@example.org>\r\nDate: Mon, 07 Dec 2026 11:00:00 +0000\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe body is only this line about a wombat.\r\n',
);

/**
 * Odd mail as it arrives, synced from Dovecot over IMAP and POP3 and read with homing show and search: a
 * header field of a megabyte (stored as failed before: show printed the header as the body), a text
 * labelled base64 that is plain text (shown as the garbage its decoding gives), a part of a message split
 * with message/partial (an opaque attachment, nothing said; now its parts are put together by homing assemble), HTML with a 5 MB data: picture (the words after
 * it unindexed, the preview cut inside its tag).
 */
describe('odd mail synced from Dovecot', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'olga', password: 'olga-secret' }] });
    await server.deliver('olga', hugeHeader);
    await server.deliver('olga', fixture('base64-mislabelled.eml'));
    for (const n of [2, 3, 1]) await server.deliver('olga', fixture(`partial-${n}-of-3.eml`));
    await server.deliver('olga', dataPictureMessage());
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it.each(['imap', 'pop3'] as const)('shows each as what it is, and finds it by its words (%s)', async (protocol) => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-odd-mail-'));
    const added = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'olga@example.org', '--protocol', protocol, '--host', '127.0.0.1',
        '--port', String(protocol === 'imap' ? server.ports.imaps : server.ports.pop3s), '--security', 'tls', '--username', 'olga',
        '--password-env', 'PW', '--trust-fingerprint', server.certificate.fingerprint256, '--insecure-store-in-file'],
      { env: { PW: 'olga-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    const synced = await runCli(['--data-dir', dir, 'sync']);
    expect(synced.status, synced.stderr).toBe(0);
    const listed = JSON.parse((await runCli(['--data-dir', dir, 'list', '--json'])).stdout) as Array<{ id: number; subject: string; messageId: string }>;
    const id = (messageId: string) => listed.find((m) => m.messageId === messageId)!.id;

    const huge = await runCli(['--data-dir', dir, 'show', String(id('<huge-1@example.org>'))]);
    expect(huge.status, huge.stderr).toBe(0);
    // Before: 'Subject: \n\nFrom: Ada ...\nX-Scanner-Trace: xxx...' (the raw source as the text of a failed parse).
    expect(huge.stdout).toContain('Subject: Huge header, small letter\n');
    expect(huge.stdout).toContain('\n\nThe body is only this line about a wombat.\n');
    expect(huge.stdout).not.toContain('X-Scanner-Trace');
    expect(huge.stdout.length).toBeLessThan(500);
    const hugeJson = JSON.parse((await runCli(['--data-dir', dir, 'show', String(id('<huge-1@example.org>')), '--json'])).stdout) as {
      parseStatus: string;
      headers: Array<[string, string]>;
    };
    expect(hugeJson.parseStatus).toBe('ok');
    const trace = hugeJson.headers.find(([name]) => name === 'X-Scanner-Trace')![1];
    expect(trace.length).toBeLessThan(70_000);
    expect(trace.endsWith(' [...]')).toBe(true);

    const mislabelled = await runCli(['--data-dir', dir, 'show', String(id('<b64-plain-1@example.net>'))]);
    expect(mislabelled.stdout).toContain('[note] This message’s text is labelled as base64-encoded but is not, so it is shown as it arrived.\n');
    expect(mislabelled.stdout).toContain('The quokka report is below, sent through the old gateway.');
    const found = JSON.parse((await runCli(['--data-dir', dir, 'search', 'quokka', '--json'])).stdout) as Array<{ id: number }>;
    expect(found.map((m) => m.id)).toEqual([id('<b64-plain-1@example.net>')]);

    // A message split for sending: the part says so, and the whole is put together from the three.
    const partId = id('<census-part-2@example.org>');
    const part = await runCli(['--data-dir', dir, 'show', String(partId)]);
    expect(part.stdout).toContain(`[note] Part 2 of 3 of a message that was split for sending. All 3 parts are here. homing assemble ${partId} puts them together.\n`);
    const assembled = await runCli(['--data-dir', dir, 'assemble', String(partId), '--json']);
    expect(assembled.status, assembled.stderr).toBe(0);
    const whole = JSON.parse(assembled.stdout) as { id: number; folderId: number };
    const shownWhole = JSON.parse((await runCli(['--data-dir', dir, 'show', String(whole.id), '--json'])).stdout) as { subject: string; text: string; accountId: string; folder: string; readingNotes: unknown[] };
    expect(shownWhole).toMatchObject({ subject: 'Quarterly numbat census', accountId: protocol === 'imap' ? 'local' : expect.any(String), folder: 'INBOX', readingNotes: [] });
    expect(shownWhole.text).toContain('Dryandra woodland\nand counted forty-two numbats');
    const census = JSON.parse((await runCli(['--data-dir', dir, 'search', 'echidnas', '--json'])).stdout) as Array<{ id: number }>;
    expect(census.map((m) => m.id)).toEqual([whole.id]);
    // The parts stay; asked again, the same whole (same bytes, same folder) is not stored twice.
    const again = JSON.parse((await runCli(['--data-dir', dir, 'assemble', String(id('<census-part-1@example.org>')), '--json'])).stdout) as { id: number };
    expect(again.id).toBe(whole.id);
    const listedAfter = JSON.parse((await runCli(['--data-dir', dir, 'list', '--json'])).stdout) as Array<{ messageId: string }>;
    expect(listedAfter.filter((m) => m.messageId?.startsWith('<census-part-')).length).toBe(3);

    const picture = listed.find((m) => m.messageId === '<pic-1@example.org>') as unknown as { id: number; snippet: string };
    expect(picture.snippet).toBe('Before the picture: platypus. After the picture: cassowary.');
    const after = JSON.parse((await runCli(['--data-dir', dir, 'search', 'cassowary', '--json'])).stdout) as Array<{ id: number }>;
    expect(after.map((m) => m.id)).toEqual([picture.id]);
  });
});

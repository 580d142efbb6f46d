import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { runCli } from '../helpers/cli';
import { corpusMbox } from '../helpers/mail-corpus';

const ESC = '\u001b';
const BEL = '\u0007';
const CSI_C1 = '\u009b';
const encodedWord = (text: string) => `=?utf-8?b?${Buffer.from(text, 'utf8').toString('base64')}?=`;

/** What a hostile sender puts in a message to take over a terminal that prints it. */
const TITLE = `${ESC}]0;pwned${BEL}`;
const CLEAR = `${ESC}[2J${ESC}[H`;
const LINK = `${ESC}]8;;file:///etc/passwd${ESC}\\click here${ESC}]8;;${ESC}\\`;
const HIDDEN = `${ESC}[8mhidden text${ESC}[28m`;
const SUBJECT = `Invoice ${TITLE}${CLEAR}${HIDDEN} ${CSI_C1}31mred`;
const NAME = 'PayPal\r\nBcc: forged@example.org\r\nX-Forged: yes';

function hostileMessage(): Buffer {
  const lines = [
    `From: ${encodedWord(NAME)} <evil@x.example>`,
    'To: reader@example.net',
    `Subject: ${encodedWord(SUBJECT)}`,
    'Date: Thu, 01 Feb 2024 10:00:00 +0000',
    'Message-ID: <hostile-terminal@x.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Dear customer, ${LINK} ${CLEAR}${HIDDEN}`,
    `Second line${ESC}[1A${ESC}[2Koverwritten ${CSI_C1}2J.`,
    '--b',
    `Content-Type: application/pdf; name="${encodedWord(`bill${ESC}]0;x${BEL}.pdf`)}"`,
    'Content-Disposition: attachment',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQK',
    '--b--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Any control character a terminal acts on, except the line feed and tab that lay out the output. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function cliBytes(args: string[]): Promise<{ status: number; stdout: Buffer; stderr: string }> {
  const bin = join(inject('buildDir'), 'node', 'homing.cjs');
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr: stderr.toString('utf8') });
    });
  });
}

/** The CLI prints what mail says; a terminal must never take mail's bytes as its own commands. */
describe('homing output on a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homing-cli-terminal-'));
  const dataDir = join(dir, 'data');
  const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args]);
  const emlPath = join(dir, 'hostile.eml');
  let id = '';

  beforeAll(async () => {
    writeFileSync(emlPath, hostileMessage());
    expect((await cli('import', emlPath, '--folder', 'INBOX')).status).toBe(0);
    // Enough lines that `| head -n 1` closes the pipe while homing is still writing (a pipe holds 64 KB).
    writeFileSync(join(dir, 'many.mbox'), corpusMbox(3000));
    expect((await cli('import', join(dir, 'many.mbox'), '--folder', 'Many')).status).toBe(0);
    const listed = JSON.parse((await cli('list', '--folder', 'INBOX', '--json')).stdout) as Array<{ id: number }>;
    id = String(listed[0]!.id);
  });

  it('escapes control characters from mail in list, search and show, and CR/LF cannot forge a header line', async () => {
    const list = await cli('list', '--folder', 'INBOX');
    const search = await cli('search', 'invoice');
    const show = await cli('show', id);
    const text = await cli('show', id, '--text');
    for (const [name, result] of Object.entries({ list, search, show, text })) {
      expect(result.status, name).toBe(0);
      expect(result.stdout, name).not.toMatch(TERMINAL_CONTROL);
    }
    // The escapes are visible, so the reader sees what the sender tried.
    expect(list.stdout).toContain('Invoice \\x1b]0;pwned\\x07\\x1b[2J');
    expect(list.stdout).toContain('\\u009b31mred');
    expect(list.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(list.stdout.trimEnd().split('\t')).toHaveLength(5);
    const headerLines = show.stdout.split('\n\n')[0]!.split('\n');
    expect(headerLines.map((line) => line.split(':')[0])).toEqual(['From', 'To', 'Date', 'Subject']);
    expect(headerLines[0]).toBe('From: PayPal\\r\\nBcc: forged@example.org\\r\\nX-Forged: yes <evil@x.example>');
    expect(show.stdout).toContain('[attachment] bill\\x1b]0;x\\x07.pdf');
    // Running text keeps its lines.
    expect(text.stdout).toMatch(/Dear customer, \\x1b\]8;;file:\/\/\/etc\/passwd\\x1b\\click here.*\nSecond line\\x1b\[1A/s);
  });

  it('keeps --raw byte for byte and --json exact, with every control a JSON escape', async () => {
    const raw = await cliBytes(['--data-dir', dataDir, 'show', id, '--raw']);
    expect(raw.stdout.equals(readFileSync(emlPath))).toBe(true);
    for (const args of [['show', id, '--json'], ['list', '--folder', 'INBOX', '--json'], ['search', 'invoice', '--json']]) {
      const json = await cli(...args);
      expect(json.stdout, args.join(' ')).not.toMatch(TERMINAL_CONTROL);
      const parsed = JSON.parse(json.stdout) as { subject: string; from: { name: string } } | Array<{ subject: string; from: { name: string } }>;
      const message = Array.isArray(parsed) ? parsed[0]! : parsed;
      expect(message.subject).toBe(SUBJECT);
      expect(message.from.name).toBe(NAME);
    }
  });

  it('ends quietly when the reader of its output goes away (homing list | head -n 1)', async () => {
    const bin = join(inject('buildDir'), 'node', 'homing.cjs');
    const errors = join(dir, 'list-stderr.txt');
    // bash, for PIPESTATUS: homing's own exit status, not head's.
    const script = `"${process.execPath}" "${bin}" --data-dir "${dataDir}" list --folder Many 2>"${errors}" | head -n 1; echo "status=\${PIPESTATUS[0]}"`;
    const result = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile('bash', ['-c', script], { encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr }))),
    );
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d+\t/);
    expect(readFileSync(errors, 'utf8')).toBe('');
    expect(lines[1]).toBe('status=0');
  });
});

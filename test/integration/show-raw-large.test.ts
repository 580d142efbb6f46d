import { createCipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

/**
 * `homing show ID --raw` of a large stored message writes the stored chunks as they are read, never the
 * whole message at once: through getMessageSource a 100 MB message was held as bytes, as base64 and as
 * bytes again, and the command peaked near 390 MB. Peak RSS is read by the process itself at exit (Linux's VmHWM).
 */
describe('show --raw of a 60 MB message', () => {
  let dir: string;
  let big: Buffer;
  let id: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'homing-show-raw-'));
    // Incompressible like a video: the store keeps it in 1 MB chunks that deflate does not shrink.
    const payload = createCipheriv('aes-128-ctr', Buffer.alloc(16, 3), Buffer.alloc(16)).update(Buffer.alloc(45 * 1024 * 1024));
    big = Buffer.from(
      'From: Bob <bob@example.org>\r\nTo: Alice <alice@example.org>\r\nSubject: the film\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n' +
        'Message-ID: <film@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="big"\r\n\r\n' +
        `--big\r\nContent-Type: text/plain\r\n\r\nThe whole film.\r\n--big\r\nContent-Type: video/mp4; name="film.mp4"\r\nContent-Transfer-Encoding: base64\r\n` +
        `Content-Disposition: attachment; filename="film.mp4"\r\n\r\n${payload.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--big--\r\n`,
      'latin1',
    );
    expect(big.length).toBeGreaterThan(60 * 1024 * 1024);
    const eml = join(dir, 'film.eml');
    writeFileSync(eml, big);
    const imported = await runCli(['--data-dir', dir, 'import', eml, '--account', 'local', '--folder', 'INBOX']);
    expect(imported.status, imported.stderr).toBe(0);
    rmSync(eml);
    const listed = JSON.parse((await runCli(['--data-dir', dir, 'list', '--json'])).stdout) as Array<{ id: number; subject: string }>;
    id = String(listed.find((m) => m.subject === 'the film')!.id);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the exact bytes with a peak RSS well under the message size', async () => {
    // VmHWM, the peak RSS of this process's own memory since its exec: getrusage's maxRSS (process.resourceUsage())
    // starts from the RSS of the process that forked it, here this test's worker (a `homing folders` read ~180 MB).
    const hook = join(dir, 'rss-hook.cjs');
    const report = join(dir, 'rss.txt');
    writeFileSync(
      hook,
      `process.on('exit', () => { const fs = require('node:fs'); fs.writeFileSync(${JSON.stringify(report)}, /VmHWM:\\s*(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]); });\n`,
    );
    const shown = await runCli(['--data-dir', dir, 'show', id, '--raw'], { env: { NODE_OPTIONS: `--require ${hook}` } });
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout.length).toBe(big.length);
    expect(Buffer.from(shown.stdout, 'latin1').equals(big)).toBe(true);
    const peakMb = Number(readFileSync(report, 'utf8')) / 1024;
    console.log(`show --raw of ${(big.length / 1024 / 1024).toFixed(0)} MB: peak RSS ${peakMb.toFixed(0)} MB`);
    expect(peakMb).toBeGreaterThan(10); // the hook did measure something
    // The message once would be 60 MB on top of Node's own ~50 MB; the whole-source path took over 250.
    expect(peakMb).toBeLessThan(big.length / 1024 / 1024 + 40);
  });

  it('--headers-only writes the header block alone, and an unknown id is NOT_FOUND with nothing written', async () => {
    const headers = await runCli(['--data-dir', dir, 'show', id, '--raw', '--headers-only']);
    expect(headers.status, headers.stderr).toBe(0);
    expect(headers.stdout).toBe(big.subarray(0, big.indexOf('\r\n\r\n') + 4).toString('latin1'));
    const missing = await runCli(['--data-dir', dir, 'show', '9999', '--raw']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/^homing: NOT_FOUND: No message with id 9999\./m);
    expect(missing.stdout).toBe('');
  });
});

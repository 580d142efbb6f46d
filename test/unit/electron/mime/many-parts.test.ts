import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../electron/mime/parse-message';

/**
 * A message of more than 1,000 MIME parts (a digest, an export of receipts), delivered into Dovecot: the
 * parser's default bound of 1,000 parts made it 'failed', the list's preview and homing show gave its raw
 * MIME ('--b Content-Type: text/plain ...') and no attachment was offered.
 */
describe('a message of 1,200 parts', () => {
  it('is parsed: its text, and every part an attachment', async () => {
    const parts = Array.from({ length: 1200 }, (_, i) => `--b\r\nContent-Type: text/plain; name=p${i}.txt\r\nContent-Disposition: attachment; filename=p${i}.txt\r\n\r\npart ${i}\r\n`).join('');
    const bytes = Buffer.from(
      'From: a@example.org\r\nSubject: 1200 parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n' +
        `--b\r\nContent-Type: text/plain\r\n\r\nbody of many\r\n${parts}--b--\r\n`,
    );
    const parsed = await parseMessage({ kind: 'buffer', bytes });
    expect(parsed.parseStatus).toBe('ok');
    expect(parsed.text?.trim()).toBe('body of many');
    expect(parsed.attachments).toHaveLength(1200);
    expect(parsed.attachments[1199]).toMatchObject({ filename: 'p1199.txt', size: 9 });
  });
});

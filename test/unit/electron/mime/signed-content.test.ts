import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { readMessageContent } from '../../../../electron/mime/read-message';
import { signedContent } from '../../../../electron/mime/signed-content';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../fixtures/mime', name));
/** The .p7m of a fixture (everything after its header block is the base64 body). */
const p7m = (name: string) => Buffer.from(fixture(name).toString('latin1').split(/\r?\n\r?\n/).slice(1).join(''), 'base64');

/**
 * Opaque S/MIME signatures made by openssl 3 (`smime -sign -nodetach`: DER; `cms -sign -nodetach -stream`:
 * BER with indefinite lengths and a chunked OCTET STRING, as Outlook streams it), and an encrypted one.
 */
describe('opaque S/MIME signed mail', () => {
  it.each(['smime-opaque-signed.eml', 'smime-opaque-signed-ber.eml'])('is shown and indexed with the signed text, the .p7m kept as an attachment (%s)', async (name) => {
    const parsed = await parseMessage({ kind: 'buffer', bytes: fixture(name) });
    expect(parsed.text?.trim()).toBe('The ocelot report is signed. Grüße');
    expect(parsed.snippet).toBe('The ocelot report is signed. Grüße');
    // openssl smime names the type application/x-pkcs7-mime, cms application/pkcs7-mime.
    expect(parsed.attachments.map((a) => [a.filename, a.contentType.replace('x-', '')])).toEqual([['smime.p7m', 'application/pkcs7-mime']]);
    const shown = await readMessageContent({ kind: 'buffer', bytes: fixture(name) });
    expect(shown.text?.trim()).toBe('The ocelot report is signed. Grüße');
    expect(shown.html).toBe('<p>The <b>ocelot</b> report is signed. Grüße</p>');
  });

  it('shows nothing of an encrypted message but its .p7m (only the recipient’s key opens it)', async () => {
    const parsed = await parseMessage({ kind: 'buffer', bytes: fixture('smime-encrypted.eml') });
    expect(parsed.text ?? '').toBe('');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['smime.p7m']);
    expect(signedContent(p7m('smime-encrypted.eml'))).toBeNull();
  });

  it('gives null, never throws, for a cut or garbled .p7m', () => {
    const whole = p7m('smime-opaque-signed-ber.eml');
    expect(signedContent(whole)?.toString()).toContain('The ocelot report is signed.');
    for (let cut = 0; cut < whole.length; cut += 7) {
      const content = signedContent(whole.subarray(0, cut));
      if (content) expect(whole.includes(content)).toBe(true); // a cut after the content: still the content
    }
    const garbled = Buffer.from(whole);
    for (let i = 0; i < garbled.length; i += 13) garbled[i] = 0xff;
    expect(() => signedContent(garbled)).not.toThrow();
    expect(signedContent(Buffer.alloc(0))).toBeNull();
    expect(signedContent(Buffer.from('3080'.repeat(5000), 'hex'))).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { buildMessage, headerAddress, withBccField } from '../../../../electron/mime/build-message';
import { parseMessage } from '../../../../electron/mime/parse-message';

const base = {
  from: { name: 'Jörg Ärger', address: 'joerg@example.org' },
  replyTo: null,
  to: [{ name: 'Bob', address: 'bob@example.org' }],
  cc: [],
  subject: 'Grüße',
  text: 'Hello\nBob\n',
  html: null,
  attachments: [],
  inReplyTo: null,
  references: [],
};

describe('building an outgoing message once', () => {
  it('uses the given Message-ID and Date, CRLF line ends only, no Bcc and no X-Mailer; parses back to what was asked', async () => {
    const date = new Date('2025-06-02T12:00:00Z');
    const built = await buildMessage({ ...base, messageId: 'fixed@example.org', date, inReplyTo: '<a@x>', references: ['<a@x>'] });
    const raw = built.raw.toString('utf8');
    expect(built.messageId).toBe('fixed@example.org');
    expect(raw).toContain('\r\nMessage-ID: <fixed@example.org>\r\n');
    expect(raw).toContain('\r\nDate: Mon, 02 Jun 2025 12:00:00 +0000\r\n');
    expect(raw).toContain('\r\nIn-Reply-To: <a@x>\r\n');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw).not.toMatch(/^(Bcc|X-Mailer):/im);
    expect(raw).toContain('format=flowed');
    const parsed = await parseMessage({ kind: 'buffer', bytes: built.raw });
    expect(parsed).toMatchObject({ subject: 'Grüße', messageId: '<fixed@example.org>', from: { name: 'Jörg Ärger', address: 'joerg@example.org' } });
  });

  it('the sender’s copy gets a Bcc field (folded, names encoded), every other byte as submitted; none without Bcc', async () => {
    const built = await buildMessage({ ...base, messageId: 'bcc@example.org', date: new Date('2025-06-02T12:00:00Z') });
    expect(await withBccField(built.raw, [])).toBe(built.raw);
    const bcc = [{ name: 'Zoë', address: 'zoe@bücher.example' }, ...Array.from({ length: 12 }, (_, i) => ({ name: i % 2 ? `Person, ${i}` : '', address: `p${i}@example.org` }))];
    const copy = await withBccField(built.raw, bcc);
    const text = copy.toString('utf8');
    const field = /\r\nBcc: (?:.*\r\n)(?:[ \t].*\r\n)*/.exec(text)![0].slice(2);
    expect(field.split('\r\n').length).toBeGreaterThan(2);
    expect(text.replace(field, '')).toBe(built.raw.toString('utf8'));
    // The field ends the header block; the body follows unchanged.
    expect(text.indexOf(field) + field.length).toBe(text.indexOf('\r\n\r\n') + 2);
    const parsed = await parseMessage({ kind: 'buffer', bytes: copy });
    expect(field).toContain('<zoe@xn--bcher-kva.example>');
    expect(parsed.bcc.map((a) => a.address)).toEqual(bcc.map((b) => b.address));
    expect(parsed.bcc[0]!.name).toBe('Zoë');
    expect(parsed.bcc[2]!.name).toBe('Person, 1');
  });

  it('the same spec builds different Message-IDs when none is given, at the sender’s domain', async () => {
    const [one, two] = await Promise.all([buildMessage(base), buildMessage(base)]);
    expect(one.messageId).not.toBe(two.messageId);
    expect(one.messageId).toMatch(/@example\.org$/);
  });

  it('writes a non-ASCII domain as its A-label unless the local part needs SMTPUTF8 anyway', () => {
    expect(headerAddress('bob@bücher.example')).toBe('bob@xn--bcher-kva.example');
    expect(headerAddress('jörg@bücher.example')).toBe('jörg@bücher.example');
    expect(headerAddress('bob@example.org')).toBe('bob@example.org');
  });

  it('attaches bytes as attachments, inline images under multipart/related, an .eml as message/rfc822', async () => {
    const built = await buildMessage({
      ...base,
      html: '<p>see <img src="cid:logo@x"></p>',
      attachments: [
        { filename: 'logo.png', contentType: 'image/png', content: Buffer.from('png'), contentId: 'logo@x' },
        { filename: 'old.eml', contentType: 'message/rfc822', content: Buffer.from('Subject: old\r\n\r\nbody\r\n') },
      ],
    });
    const raw = built.raw.toString('utf8');
    expect(raw).toMatch(/multipart\/related/);
    expect(raw).toMatch(/Content-Type: message\/rfc822; name=old\.eml\r\n(.+\r\n)*Content-Disposition: attachment; filename=old\.eml/);
    expect(raw.indexOf('text/plain')).toBeLessThan(raw.indexOf('text/html'));
  });
});

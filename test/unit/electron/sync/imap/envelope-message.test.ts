import { describe, expect, it } from 'vitest';
import { parsedFromEnvelope } from '../../../../../electron/sync/imap/envelope-message';

describe('parsedFromEnvelope', () => {
  it('takes the server-parsed fields and the unfolded References of the header block', () => {
    const header = Buffer.from('Subject: x\r\nReferences: <a@x>\r\n <b@x>\r\n\t<c@x>\r\nX-Other: y\r\n\r\n');
    const parsed = parsedFromEnvelope(
      {
        date: new Date('2024-01-02T03:04:05Z'),
        subject: 'Grüße',
        messageId: '<id@x>',
        inReplyTo: '<c@x> <b@x>',
        from: [{ name: 'Bob', address: 'bob@x' }],
        to: [{ name: '', address: 'alice@x' }, { name: '', address: '' }],
      },
      header,
    );
    expect(parsed).toMatchObject({
      messageId: '<id@x>',
      inReplyTo: '<c@x>',
      references: ['<a@x>', '<b@x>', '<c@x>'],
      subject: 'Grüße',
      from: { name: 'Bob', address: 'bob@x' },
      to: [{ name: '', address: 'alice@x' }],
      date: new Date('2024-01-02T03:04:05Z'),
      parseStatus: 'ok',
    });
  });

  it('copes with no envelope, an invalid date and a bare Message-ID', () => {
    expect(parsedFromEnvelope(undefined, Buffer.from('\r\n'))).toMatchObject({ messageId: null, subject: '', from: null, references: [] });
    const bad = parsedFromEnvelope({ date: new Date('nonsense'), messageId: 'bare@id' }, Buffer.from('\r\n'));
    expect(bad.date).toBeNull();
    expect(bad.messageId).toBe('<bare@id>');
  });
});

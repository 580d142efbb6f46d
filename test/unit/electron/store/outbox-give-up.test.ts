import { describe, expect, it } from 'vitest';
import { findOutboxRecord, giveUpResend, insertOutboxItem, insertResend, markSending, markSent, type OutboxInsert } from '../../../../electron/store/outbox';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { composeSchema } from '../../../../shared/contract/outgoing';
import { tempStore } from '../../../helpers/store';

const message: OutboxInsert = {
  accountId: 'local',
  identityId: null,
  messageId: 'given-up@example.test',
  subject: 'Given up',
  from: { name: 'Alice', address: 'alice@example.test' },
  envelopeFrom: 'alice@example.test',
  recipients: ['bob@example.test', 'carol@example.test'],
  raw: Buffer.from('Subject: Given up\r\n\r\nHello.\r\n'),
  notBefore: null,
  responseTo: null,
  content: composeSchema.parse({ accountId: 'local', to: [], cc: [], bcc: [], subject: 'Given up' }),
};

/** A resend for carol, queued: bob took the message, the server said "not now" for her. */
function queuedResend() {
  const { db } = tempStore();
  const resend = writeTransaction(db, (changes) => {
    const first = insertOutboxItem(db, changes, message);
    markSending(db, changes, first);
    markSent(db, changes, first, []);
    return insertResend(db, changes, first, ['carol@example.test'], { code: 'SERVER_BUSY', message: 'not now' }, Date.now() + 60_000, 1);
  });
  return { db, resend };
}

/** "Stop trying" and a try of the same resend: the row as stored decides which one happens. */
describe('giving up on a resend against a try of it', () => {
  it('a try that finds the resend given up claims nothing', () => {
    const { db, resend } = queuedResend();
    expect(writeTransaction(db, (changes) => giveUpResend(db, changes, resend, 'stopped'))).toBe(true);
    // The runner's copy of the row still says queued: before, it was claimed anyway.
    expect(writeTransaction(db, (changes) => markSending(db, changes, resend))).toBeNull();
    expect(findOutboxRecord(db, resend.id)).toMatchObject({ state: 'filed', rejected: [{ address: 'carol@example.test', response: 'stopped' }] });
  });

  it('a give-up after the try claimed the resend changes nothing: the try answers', () => {
    const { db, resend } = queuedResend();
    expect(writeTransaction(db, (changes) => markSending(db, changes, resend))).toMatchObject({ id: resend.id, state: 'sending' });
    // The caller's copy says queued (read before the claim).
    expect(writeTransaction(db, (changes) => giveUpResend(db, changes, resend, 'stopped'))).toBe(false);
    expect(findOutboxRecord(db, resend.id)).toMatchObject({ state: 'sending', rejected: [] });
  });
});

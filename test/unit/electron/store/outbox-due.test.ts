import { describe, expect, it } from 'vitest';
import { dueOutbox, insertOutboxItem, markFilingFailed, markRetry, markSending, markSent, type OutboxInsert, retryAccountNow } from '../../../../electron/store/outbox';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { composeSchema } from '../../../../shared/contract/outgoing';
import { tempStore } from '../../../helpers/store';

const HOUR = 3_600_000;

function message(subject: string, notBefore: number | null): OutboxInsert {
  return {
    accountId: 'local',
    identityId: null,
    messageId: `<${subject}@example.test>`,
    subject,
    from: { name: 'Alice', address: 'alice@example.test' },
    envelopeFrom: 'alice@example.test',
    recipients: ['bob@example.test'],
    raw: Buffer.from(`Subject: ${subject}\r\n\r\nHello.\r\n`),
    notBefore,
    responseTo: null,
    content: composeSchema.parse({ accountId: 'local', to: [], cc: [], bcc: [], subject }),
  };
}

describe('what the outbox has due', () => {
  it('a flush the user asked for also takes what waits out a retry backoff, never a time the user chose', () => {
    const { db } = tempStore();
    const now = Date.now();
    const error = { code: 'CONNECTION_REFUSED' as const, message: 'refused' };
    const ids = writeTransaction(db, (changes) => {
      const ready = insertOutboxItem(db, changes, message('ready', null));
      const later = insertOutboxItem(db, changes, message('send later', now + HOUR));
      const retrying = insertOutboxItem(db, changes, message('retrying', null));
      markSending(db, changes, retrying);
      markRetry(db, changes, retrying, error, now + HOUR);
      const filing = insertOutboxItem(db, changes, message('filing', null));
      markSending(db, changes, filing);
      markSent(db, changes, filing, []);
      markFilingFailed(db, changes, filing, error, now + HOUR);
      return { ready: ready.id, later: later.id, retrying: retrying.id, filing: filing.id };
    });
    const subjects = (options?: { retryWaiting?: boolean }) => dueOutbox(db, now, undefined, options).map((r) => r.subject);
    expect(subjects()).toEqual(['ready']);
    expect(subjects({ retryWaiting: true })).toEqual(['ready', 'retrying', 'filing']);
    expect(dueOutbox(db, now + HOUR, undefined).map((r) => r.id)).toEqual([ids.ready, ids.later, ids.retrying, ids.filing]);
  });

  // Was a bug: retry times are wall-clock times, so a clock put back by hours (an NTP fix, a dual-boot
  // computer's clock read as local time) left a retry due a minute ahead that many hours ahead.
  it('takes a retry whose time is further ahead than any retry wait (the clock went back), never a time the user chose', () => {
    const { db } = tempStore();
    const now = Date.now();
    const error = { code: 'CONNECTION_REFUSED' as const, message: 'refused' };
    // Set a minute ahead, then the clock went back five hours.
    const setAhead = now + 5 * HOUR + 60_000;
    writeTransaction(db, (changes) => {
      insertOutboxItem(db, changes, message('send later', setAhead));
      const retrying = insertOutboxItem(db, changes, message('retrying', null));
      markSending(db, changes, retrying);
      markRetry(db, changes, retrying, error, setAhead);
      const filing = insertOutboxItem(db, changes, message('filing', null));
      markSending(db, changes, filing);
      markSent(db, changes, filing, []);
      markFilingFailed(db, changes, filing, error, setAhead);
      const soon = insertOutboxItem(db, changes, message('retrying soon', null));
      markSending(db, changes, soon);
      markRetry(db, changes, soon, error, now + 15 * 60_000);
    });
    expect(dueOutbox(db, now).map((r) => r.subject)).toEqual(['retrying', 'filing']);
    expect(dueOutbox(db, now + 15 * 60_000).map((r) => r.subject)).toEqual(['retrying', 'filing', 'retrying soon']);
  });

  it('an edit of the account makes its waiting retries due now, and keeps a time the user chose', () => {
    const { db } = tempStore();
    const now = Date.now();
    const error = { code: 'TLS_CERT_CHANGED' as const, message: 'changed' };
    writeTransaction(db, (changes) => {
      insertOutboxItem(db, changes, message('send later', now + HOUR));
      const retrying = insertOutboxItem(db, changes, message('retrying', null));
      markSending(db, changes, retrying);
      markRetry(db, changes, retrying, error, now + HOUR / 4);
      const filing = insertOutboxItem(db, changes, message('filing', null));
      markSending(db, changes, filing);
      markSent(db, changes, filing, []);
      markFilingFailed(db, changes, filing, error, now + HOUR);
    });
    expect(dueOutbox(db, now).map((r) => r.subject)).toEqual([]);
    expect(writeTransaction(db, (changes) => retryAccountNow(db, changes, 'local'))).toBe(2);
    expect(dueOutbox(db, now).map((r) => r.subject)).toEqual(['retrying', 'filing']);
    expect(writeTransaction(db, (changes) => retryAccountNow(db, changes, 'local'))).toBe(0);
  });
});

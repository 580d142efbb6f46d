import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../../../shared/contract/outgoing';
import { draftLossWords, localMailLossWords, localOnlyDraft, needsAttention, outboxWords, undoable, unsent, unsentLossWords } from '../../../../renderer/mail/outbox-words';
import { parseWritingPreferences } from '../../../../renderer/compose/writing-preferences';

const now = Date.parse('2025-03-10T12:00:00Z');
const item = (over: Partial<OutboxItem>): OutboxItem => ({
  id: 1, accountId: 'a', identityId: 1, messageId: 'm@x', subject: 'Hi', from: { name: '', address: 'me@example.org' }, recipients: ['ann@example.org'],
  size: 100, state: 'queued', notBefore: null, attempts: 0, lastError: null, rejected: [], refusalsSeen: false, sentAt: null, sentCopy: null, filedAt: null,
  createdAt: new Date(now - 2000).toISOString(), responseTo: null, resendOf: null, sentTo: [], ...over,
});

describe('outbox words and choices', () => {
  it('offers undo only for a message held back by the undo delay, not for "send later" nor a retry', () => {
    expect(undoable(item({ notBefore: new Date(now + 8000).toISOString() }), now)).toBe(true);
    expect(undoable(item({ notBefore: new Date(now + 3_600_000).toISOString() }), now)).toBe(false);
    expect(undoable(item({ notBefore: new Date(now + 8000).toISOString(), attempts: 1 }), now)).toBe(false);
    expect(undoable(item({ notBefore: new Date(now - 1).toISOString() }), now)).toBe(false);
    expect(undoable(item({ state: 'sending', notBefore: new Date(now + 8000).toISOString() }), now)).toBe(false);
  });

  it('writes a retry time as the message list writes times (5:40 AM, not 05:40 AM, where the locale says so)', () => {
    const at = new Date(now + 86_400_000);
    at.setHours(5, 40, 0, 0);
    const words = outboxWords(item({ attempts: 1, notBefore: at.toISOString(), lastError: { code: 'CONNECTION_REFUSED', message: 'x' } }), now);
    const listTime = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(at);
    // Not preceded by a digit: '05:40 AM' contains '5:40 AM'.
    expect(words.status).toMatch(new RegExp(`(^|[^0-9])${listTime.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('says why a message waits or failed, in the server’s words, and what can be done', () => {
    const failed = outboxWords(item({ state: 'failed', lastError: { code: 'RECIPIENT_REFUSED', message: '550 5.1.1 <nobody@example.org>: Recipient address rejected' } }), now);
    expect(failed).toMatchObject({ status: 'Not sent', tone: 'problem', actions: ['retry', 'edit', 'discard'] });
    expect(failed.detail).toMatch(/550 5\.1\.1/);
    const uncertain = outboxWords(item({ state: 'uncertain', lastError: { code: 'SEND_UNCERTAIN', message: 'The connection ended after the final dot.' } }), now);
    expect(uncertain).toMatchObject({ status: 'May have been sent', actions: ['mark-sent', 'retry', 'edit', 'discard'] });
    const offline = outboxWords(item({ attempts: 2, notBefore: new Date(now + 60_000).toISOString(), lastError: { code: 'CONNECTION_REFUSED', message: 'x' } }), now);
    expect(offline.status).toMatch(/^Not sent yet; trying again at /);
    expect(outboxWords(item({ state: 'sending' }), now).actions).toEqual([]);
    expect([needsAttention(item({ state: 'failed' })), needsAttention(item({ state: 'uncertain' })), needsAttention(item({}))]).toEqual([true, true, false]);
    // Sent to the others, refused for one: said until seen (no bounce will come for it).
    const refused = item({ state: 'filed', rejected: [{ address: 'nobdy@example.org', response: '550 5.1.1 User unknown' }] });
    expect(outboxWords(refused, now)).toMatchObject({ status: 'Sent, but not to nobdy@example.org', tone: 'problem', actions: ['seen'] });
    expect(needsAttention(refused)).toBe(true);
    expect(outboxWords({ ...refused, refusalsSeen: true }, now)).toMatchObject({ status: 'Sent', tone: 'done', actions: [] });
    expect(needsAttention({ ...refused, refusalsSeen: true })).toBe(false);
    expect(outboxWords(refused, now).detail).toMatch(/^The server refused this address, so it gets nothing, and no bounce will come/);
    // A 4xx was "not now": the words say to send it to them again later, not to check the address.
    const busy = item({ state: 'filed', rejected: [{ address: 'ann@example.org', response: '452 4.5.3 Too many recipients' }] });
    expect(outboxWords(busy, now).detail).toMatch(/^The server could not take it for this address just then, .*send it to that address again later\.$/);
  });

  it('says a name-lookup failure once, with the host, not the code’s meaning and then the same again', () => {
    const notFound = outboxWords(
      item({
        attempts: 1,
        notBefore: new Date(now + 60_000).toISOString(),
        lastError: { code: 'DNS_NOT_FOUND', message: "The server name smtp.exmaple.org could not be found. Check the server name in the account’s settings.", detail: { host: 'smtp.exmaple.org' } },
      }),
      now,
    );
    // Without the fix: 'The server name could not be found. The server name smtp.exmaple.org could not be found. ...'
    expect(notFound.detail).toBe("The server name smtp.exmaple.org could not be found. Check the server name in the account’s settings.");
    const unavailable = outboxWords(
      item({
        attempts: 1,
        lastError: { code: 'DNS_UNAVAILABLE', message: 'The server name smtp.example.org could not be looked up right now: the name service did not answer.', detail: { host: 'smtp.example.org' } },
      }),
      now,
    );
    expect(unavailable.detail).toBe('The server name smtp.example.org could not be looked up right now: the name service did not answer.');
    // A message that says something else keeps the code's meaning before it.
    const internal = outboxWords(item({ state: 'failed', lastError: { code: 'INTERNAL', message: 'Cannot read properties of undefined' } }), now);
    expect(internal.detail).toBe('Something went wrong inside Homing. Cannot read properties of undefined');
  });

  it('says a resend waits for the recipients the server answered "not now", the others having it', () => {
    const resend = item({
      resendOf: 3,
      attempts: 2,
      recipients: ['carol@example.org'],
      notBefore: new Date(now + 60_000).toISOString(),
      lastError: { code: 'SERVER_BUSY', message: 'mail.example.org took the message for the others but could not take it for carol@example.org just then; Homing will send it to that address again. The server said: 450 4.2.0 Greylisted' },
    });
    const words = outboxWords(resend, now);
    expect(words.status).toMatch(/^Sent to the others, not yet to carol@example\.org; trying again at /);
    expect(words.detail).toMatch(/450 4\.2\.0 Greylisted/);
    expect(words.tone).toBe('waiting');
    // Who has it is named; giving up on carol is offered instead of discarding (the others have the message).
    const named = outboxWords({ ...resend, sentTo: ['bob@example.org', 'dan@example.org'] }, now);
    expect(named.status).toMatch(/^Sent to bob@example\.org, dan@example\.org, not yet to carol@example\.org; trying again at /);
    expect(named.actions).toEqual(['send-now', 'give-up', 'edit']);
    const failed = outboxWords({ ...resend, sentTo: ['bob@example.org'], state: 'failed' }, now);
    expect(failed).toMatchObject({ status: 'Sent to bob@example.org; not sent to carol@example.org', tone: 'problem', actions: ['retry', 'give-up', 'edit'] });
  });

  it('reads writing preferences defensively', () => {
    expect(parseWritingPreferences('nonsense')).toEqual({ replyBelowQuote: false, signatureBelowQuote: false, plainTextAccounts: [] });
    expect(parseWritingPreferences('{"replyBelowQuote":true,"plainTextAccounts":["a",3]}')).toEqual({ replyBelowQuote: true, signatureBelowQuote: false, plainTextAccounts: ['a'] });
  });

  it('names the unsent messages an account removal would lose (only those never handed to the server)', () => {
    const states = ['queued', 'sending', 'failed', 'uncertain', 'sent', 'filed'] as const;
    expect(states.map((state) => unsent(item({ state })))).toEqual([true, true, true, true, false, false]);
    expect(unsentLossWords(0)).toBeNull();
    expect(unsentLossWords(1)).toBe('One message in the Outbox has not been sent; it is only on this computer and will be lost.');
    expect(unsentLossWords(3)).toMatch(/^3 messages in the Outbox have not been sent/);
  });

  it('names the drafts an account removal would lose (those the server has no copy of)', () => {
    const copies = ['local', 'pending', 'failed', 'saved'] as const;
    expect(copies.map((serverCopy) => localOnlyDraft({ serverCopy }))).toEqual([true, true, true, false]);
    expect(draftLossWords(0)).toBeNull();
    expect(draftLossWords(1)).toBe('One draft is not saved on the server; it is only on this computer and will be lost.');
    expect(draftLossWords(2)).toMatch(/^2 drafts are not saved on the server; they are only on this computer/);
  });

  it('names the messages an account removal would lose (a POP3 account’s, deleted on the server after download)', () => {
    expect(localMailLossWords(0)).toBeNull();
    expect(localMailLossWords(1)).toBe('One of its messages is not on the server; it is only on this computer and will be lost.');
    expect(localMailLossWords(3)).toBe('3 of its messages are not on the server; they are only on this computer and will be lost.');
  });
});

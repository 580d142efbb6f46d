import { describe, expect, it } from 'vitest';
import { addressedIdentity, forwardSubject, replyRecipients, replySubject, threadHeaders } from '../../../../electron/mime/response-headers';

const a = (address: string, name = '') => ({ name, address });

describe('what a reply or forward takes from the original', () => {
  it('puts one Re: or Fwd: in front, however many the original had, in the usual languages', () => {
    expect(replySubject('lunch?')).toBe('Re: lunch?');
    expect(replySubject('Re: RE: Aw: re[2]: lunch?')).toBe('Re: lunch?');
    expect(replySubject('SV: Antw: lunch?')).toBe('Re: lunch?');
    expect(replySubject('')).toBe('Re: ');
    expect(forwardSubject('Fwd: FW: WG: report')).toBe('Fwd: report');
    expect(forwardSubject('Re: report')).toBe('Fwd: Re: report');
  });

  it('threads a reply under the original: its References, then its Message-ID; In-Reply-To is the original', () => {
    expect(threadHeaders({ messageId: '<c@x>', references: ['<a@x>', '<b@x>'], inReplyTo: '<b@x>' })).toEqual({ inReplyTo: '<c@x>', references: ['<a@x>', '<b@x>', '<c@x>'] });
    expect(threadHeaders({ messageId: 'c@x', references: [], inReplyTo: '<b@x>' })).toEqual({ inReplyTo: '<c@x>', references: ['<b@x>', '<c@x>'] });
    const long = Array.from({ length: 40 }, (_, i) => `<m${i}@x>`);
    const threaded = threadHeaders({ messageId: '<new@x>', references: long, inReplyTo: null });
    expect(threaded.references).toHaveLength(20);
    expect(threaded.references[0]).toBe('<m0@x>');
    expect(threaded.references.at(-1)).toBe('<new@x>');
  });

  it('replies to Reply-To, else the sender; reply-all adds To and Cc without our own addresses or duplicates', () => {
    const original = {
      from: a('bob@example.org', 'Bob'),
      replyTo: [],
      to: [a('Me@Example.org'), a('carol@example.org')],
      cc: [a('BOB@example.org'), a('dave@example.org'), a('carol@example.org'), a('me.work@example.net')],
    };
    const own = ['me@example.org', 'me.work@example.net'];
    expect(replyRecipients(original, false, own)).toEqual({ to: [a('bob@example.org', 'Bob')], cc: [] });
    expect(replyRecipients(original, true, own)).toEqual({ to: [a('bob@example.org', 'Bob')], cc: [a('carol@example.org'), a('dave@example.org')] });
    expect(replyRecipients({ ...original, replyTo: [a('list@example.org')] }, false, own).to).toEqual([a('list@example.org')]);
  });

  it('a reply to a message we sent goes to its recipients again', () => {
    const mine = { from: a('me@example.org'), replyTo: [], to: [a('bob@example.org')], cc: [a('carol@example.org')] };
    expect(replyRecipients(mine, false, ['me@example.org'])).toEqual({ to: [a('bob@example.org')], cc: [] });
    expect(replyRecipients(mine, true, ['me@example.org'])).toEqual({ to: [a('bob@example.org')], cc: [a('carol@example.org')] });
  });

  it('answers from the identity the original was sent to', () => {
    const own = ['me@example.org', 'me.work@example.net'];
    expect(addressedIdentity({ to: [a('list@example.org')], cc: [a('ME.WORK@example.net')] }, own)).toBe('me.work@example.net');
    expect(addressedIdentity({ to: [a('list@example.org')], cc: [] }, own)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { QuotedOriginal } from '../../../../shared/contract/outgoing';
import { attributionLine, forwardHeaderLines, plainQuote, quoteLines } from '../../../../renderer/compose/quote-text';

const original: QuotedOriginal = {
  messageId: 7,
  from: { name: 'Ann Example', address: 'ann@example.org' },
  to: [{ name: '', address: 'bob@example.org' }],
  cc: [{ name: 'Carla', address: 'carla@example.org' }],
  date: '2025-03-03T10:15:00Z',
  subject: 'Q3 figures',
  text: 'Hi Bob,\n\nthe figures?\n\n> Earlier: soon\n>> Even earlier\n',
  html: null,
};

describe('plain-text quoting', () => {
  it('writes the attribution line with the sender and the date', () => {
    expect(attributionLine(original, 'en-GB')).toMatch(/^On Mon, 3 Mar 2025 at \d\d:15, Ann Example <ann@example.org> wrote:$/);
    expect(attributionLine({ ...original, date: null, from: null })).toBe('an unknown sender wrote:');
  });

  it('quotes each line one level deeper, markers together as format=flowed reads them', () => {
    expect(quoteLines(original.text!)).toBe('> Hi Bob,\n>\n> the figures?\n>\n>> Earlier: soon\n>>> Even earlier');
    expect(quoteLines('> > spaced markers')).toBe('>>> spaced markers');
  });

  it('keeps the space of a quoted signature separator ("-- "), which trailing-space trimming would drop', () => {
    expect(quoteLines('Thanks\n-- \nAnn\n> -- \n> Carla')).toBe('> Thanks\n> -- \n> Ann\n>> -- \n>> Carla');
  });

  it('puts the header block over an inline forward and quotes nothing for a forward as attachment', () => {
    expect(forwardHeaderLines(original, 'en-GB')).toEqual([
      '-------- Forwarded Message --------',
      'Subject: Q3 figures',
      expect.stringMatching(/^Date: Mon, 3 Mar 2025 at \d\d:15$/),
      'From: Ann Example <ann@example.org>',
      'To: bob@example.org',
      'Cc: Carla <carla@example.org>',
    ]);
    expect(plainQuote(original, 'forward-inline', original.text!, 'en-GB')).toMatch(/Cc: Carla <carla@example.org>\n\nHi Bob,\n\nthe figures\?\n\n> Earlier: soon\n>> Even earlier$/);
    expect(plainQuote(original, 'forward-attachment', original.text!)).toBe('');
  });
});

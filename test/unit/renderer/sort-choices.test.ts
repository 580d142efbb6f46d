import { describe, expect, it } from 'vitest';
import { sortChoicesFor } from '../../../renderer/mail/sort-choices';

const labels = (outgoing: boolean) => sortChoicesFor(outgoing).flatMap(({ group, options }) => options.map((o) => `${group}: ${o.label} (${o.sort})`));

describe('the sort menu', () => {
  it('says Recipient in Sent and Drafts, where the sender order sorts by the recipients the rows show', () => {
    expect(labels(true)).toContain('Recipient: Recipient, A to Z (sender-asc)');
    expect(labels(true)).toContain('Recipient: Recipient, Z to A (sender-desc)');
    expect(labels(true).join('\n')).not.toMatch(/Sender/);
  });

  it('says Sender elsewhere, and offers the same orders in the same places', () => {
    expect(labels(false)).toContain('Sender: Sender, A to Z (sender-asc)');
    expect(sortChoicesFor(true).flatMap((c) => c.options.map((o) => o.sort))).toEqual(sortChoicesFor(false).flatMap((c) => c.options.map((o) => o.sort)));
  });
});

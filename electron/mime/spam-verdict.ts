/**
 * What the receiving server's spam filter said, from the header fields it adds: SpamAssassin's
 * `X-Spam-Flag: YES` and `X-Spam-Status: Yes, score=…`, Rspamd's `X-Spam: Yes` and `X-Rspamd-Action`
 * (`add header`, `rewrite subject`), and a subject tag the user names (`[SPAM]`, `***SPAM***`).
 * Null when nothing says spam (a filter that passed the message, or no filter at all).
 */
export function serverSpamVerdict(fields: ReadonlyMap<string, readonly string[]>, subject: string, subjectTag: string): string | null {
  const first = (name: string) => fields.get(name)?.[0]?.trim() ?? null;
  if (/^yes\b/i.test(first('x-spam-flag') ?? '')) return 'X-Spam-Flag: YES';
  if (/^yes\b/i.test(first('x-spam-status') ?? '')) return 'X-Spam-Status: Yes';
  if (/^yes\b/i.test(first('x-spam') ?? '')) return 'X-Spam: Yes';
  const action = first('x-rspamd-action')?.toLowerCase() ?? '';
  if (action === 'add header' || action === 'rewrite subject' || action === 'reject') return `X-Rspamd-Action: ${action}`;
  const tag = subjectTag.trim();
  if (tag !== '' && subject.toLowerCase().includes(tag.toLowerCase())) return `subject tag ${tag}`;
  return null;
}

/** A field serverSpamVerdict reads starts a line of the header block with one of these names. */
const SPAM_FIELD = /(?:^|\n)x-(?:spam|rspamd)/i;

/**
 * Whether a header block has a field serverSpamVerdict reads (X-Spam…, X-Rspamd…). Most mail has none:
 * then no field needs to be unfolded and decoded for the verdict, which every arriving message gets.
 */
export function mayCarrySpamVerdict(header: Buffer): boolean {
  return SPAM_FIELD.test(header.toString('latin1'));
}

import type { QuotedOriginal, ResponseMode } from '../../shared/contract/outgoing';
import type { Address } from '../../shared/contract/messages';

/**
 * The words around a quoted message, and plain-text quoting. Pure (no DOM): the HTML quote is built from
 * these by quote-html.ts.
 */

const SIGNATURE_SEPARATOR = '-- ';

export const isForward = (mode: ResponseMode) => mode === 'forward-inline' || mode === 'forward-attachment';

/** `Ann Example <ann@example.org>`, or the address alone. */
export function personLine(address: Address | null): string {
  if (!address) return 'an unknown sender';
  return address.name && address.name !== address.address ? `${address.name} <${address.address}>` : address.address;
}

/** The original's date as people write it: `Mon, 3 Mar 2025 at 10:15`, in this computer's time zone. */
export function dateLine(iso: string | null, locale?: string): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const day = date.toLocaleDateString(locale ?? 'en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  const time = date.toLocaleTimeString(locale ?? 'en-GB', { hour: '2-digit', minute: '2-digit' });
  return `${day} at ${time}`;
}

/** `On Mon, 3 Mar 2025 at 10:15, Ann Example <ann@example.org> wrote:` above a reply's quote. */
export function attributionLine(original: Pick<QuotedOriginal, 'from' | 'date'>, locale?: string): string {
  const when = dateLine(original.date, locale);
  return when ? `On ${when}, ${personLine(original.from)} wrote:` : `${personLine(original.from)} wrote:`;
}

/** The header block of an inline forward, one line per header, as Thunderbird and Gmail write it. */
export function forwardHeaderLines(original: QuotedOriginal, locale?: string): string[] {
  const lines = ['-------- Forwarded Message --------', `Subject: ${original.subject}`];
  const when = dateLine(original.date, locale);
  if (when) lines.push(`Date: ${when}`);
  lines.push(`From: ${personLine(original.from)}`);
  if (original.to.length) lines.push(`To: ${original.to.map(personLine).join(', ')}`);
  if (original.cc.length) lines.push(`Cc: ${original.cc.map(personLine).join(', ')}`);
  return lines;
}

/**
 * Each line one level deeper: `text` → `> text`, `> old` → `>> old` (quote markers written together, as
 * format=flowed reads them), an empty line → `>`, the signature separator `-- ` → `> -- ` (its space kept).
 */
export function quoteLines(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => {
      const markers = /^>(?: ?>)*/.exec(line);
      if (markers) {
        const depth = markers[0].split('>').length - 1;
        const rest = line.slice(markers[0].length).replace(/^ /, '');
        return `${'>'.repeat(depth + 1)}${rest ? ` ${rest}` : ''}`;
      }
      // The signature separator keeps its space, so the recipient's client still sees where the signature starts.
      if (line === SIGNATURE_SEPARATOR) return `> ${SIGNATURE_SEPARATOR}`;
      return line.replace(/\s+$/, '') ? `> ${line.replace(/\s+$/, '')}` : '>';
    })
    .join('\n');
}

/**
 * A reply's or forward's quote as plain text: the attribution and `> ` lines for a reply, the header block
 * and the text as it is for an inline forward; nothing for a forward as attachment (the .eml is the original).
 */
export function plainQuote(original: QuotedOriginal, mode: ResponseMode, originalText: string, locale?: string): string {
  if (mode === 'forward-attachment') return '';
  if (isForward(mode)) return `${forwardHeaderLines(original, locale).join('\n')}\n\n${originalText.replace(/\r\n?/g, '\n').replace(/\n+$/, '')}`;
  return `${attributionLine(original, locale)}\n${quoteLines(originalText)}`;
}

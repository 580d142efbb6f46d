import type { Address, MessageDetail } from '../../shared/contract/messages';
import type { FrameContent } from '../components/MessageFrame';
import { escapeHtml, frameDocument, textToFrameHtml } from './frame-document';
import { fullAddress, fullDate } from './format';
import { sanitizeMailHtml } from './sanitize-html';

/** The reader's message as a page to print: what the reader shows and nothing else. */
export interface Printable {
  message: MessageDetail;
  /** The body as the reader shows it: formatted (remote content only if it was allowed), plain text, or source. */
  content: FrameContent;
}

const PRINT_CSS = `
@page { margin: 16mm 14mm; }
.homing-print-header { margin: 0 0 14px; padding: 0 0 10px; border-bottom: 1px solid #c9ced6; font-size: 12px; color: #1d1f23; }
.homing-print-header h1 { margin: 0 0 8px; font-size: 18px; line-height: 1.3; }
.homing-print-header table { border-collapse: collapse; }
.homing-print-header th { padding: 1px 10px 1px 0; text-align: left; vertical-align: top; font-weight: 600; color: #4c5361; white-space: nowrap; }
.homing-print-header td { padding: 1px 0; }
`;

const addresses = (list: Address[]) => list.map(fullAddress).join(', ');

/**
 * The printed page (and the PDF): the headers a person reads (subject, from, to, cc, date), then the body
 * through the same sanitiser and under the same CSP as the reader's frame, on a white page. Remote
 * content is in it only when the reader was showing it (allowed for the sender, or loaded once).
 */
export function printDocument({ message, content }: Printable): string {
  const rows: Array<[string, string]> = [
    ['From', message.from ? fullAddress(message.from) : '(no sender)'],
    ['To', addresses(message.to)],
    ['Cc', addresses(message.cc)],
    ['Date', fullDate(message.date)],
  ];
  const subject = message.subject || '(no subject)';
  const header =
    `<style>${PRINT_CSS}</style><header class="homing-print-header"><h1>${escapeHtml(subject)}</h1><table>` +
    rows
      .filter(([, value]) => value)
      .map(([name, value]) => `<tr><th scope="row">${name}</th><td>${escapeHtml(value)}</td></tr>`)
      .join('') +
    '</table></header>';
  const theme = { dark: false };
  if (content.kind === 'html') {
    const clean = sanitizeMailHtml(content.html, { allowRemote: content.allowRemote, cidUrls: content.inlineImages });
    return frameDocument(header + clean.html, { kind: 'html', allowRemote: content.allowRemote, theme, title: subject });
  }
  const body = content.kind === 'text' ? textToFrameHtml(content.text) : `<pre class="homing-source">${escapeHtml(content.text)}</pre>`;
  return frameDocument(header + body, { kind: content.kind, allowRemote: false, theme, title: subject });
}

/**
 * Prints a document in the browser (`npm run dev:web`): in a frame of its own, so the page printed is the
 * message at its full length rather than the app's window. The frame runs no script (no allow-scripts;
 * the document's CSP says script-src 'none' too); allow-same-origin only lets this page call its print(),
 * and allow-modals lets that print dialog open. It is gone once the dialog closes.
 */
export function printInFrame(html: string): void {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-same-origin allow-modals');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.className = 'print-frame';
  frame.srcdoc = html;
  frame.addEventListener(
    'load',
    () => {
      try {
        frame.contentWindow?.print();
      } finally {
        setTimeout(() => frame.remove(), 0);
      }
    },
    { once: true },
  );
  document.body.append(frame);
}

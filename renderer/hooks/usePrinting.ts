import { useCallback, useRef } from 'react';
import { desktop } from '../api/desktop';
import { type Printable, printDocument, printInFrame } from '../mail/print-document';

/**
 * Printing the message the reader shows: the reader publishes it in `printable`; `print` builds the page
 * and hands it to the desktop shell (its print dialog, or a PDF through a save dialog), or in a browser
 * prints it from a frame of its own (the browser's dialog can save a PDF too).
 */
export function usePrinting(report: (error: unknown) => void) {
  const printable = useRef<Printable | null>(null);
  const print = useCallback(
    (to: 'printer' | 'pdf') => {
      const shown = printable.current;
      if (!shown) return;
      const html = printDocument(shown);
      const title = shown.message.subject || '(no subject)';
      if (!desktop) printInFrame(html);
      else (to === 'pdf' ? desktop.saveDocumentAsPdf({ html, title }) : desktop.printDocument({ html, title })).catch(report);
    },
    [report],
  );
  return { printable, print };
}

import type Squire from 'squire-rte';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { QUOTE_CLASS } from '../../compose/quote-html';
import { createEditor, type EditorContent, insertPlainTextBulk, loadContent, signatureBlock } from '../../compose/squire-editor';

export type { EditorContent };

/**
 * The rich-text editor: Squire (squire-rte), whose document is plain HTML that it edits in place rather
 * than a model it re-renders, so quoted and forwarded mail keeps its markup. Chosen by the round trip of
 * real Outlook, Gmail and Apple Mail HTML through the quote (test/e2e/compose-quote.test.ts).
 *
 * Everything that enters the editor (a draft, a pasted fragment, a signature) goes through the reader's
 * sanitiser first (Squire's `sanitizeToDOMFragment`), and the page's Content-Security-Policy runs no
 * script and loads nothing remote whatever gets through. A quote container (`.homing-cite`) is put in
 * place as nodes, not through Squire's setHTML: Squire's tidying of pasted markup drops <style> and
 * unwraps blocks it does not know (<center>), which is right for a paste and wrong for the message being
 * answered.
 */

/** HTML pasted above this size goes in as plain text: sanitising and laying out megabytes of Word markup froze the window. */
export const MAX_PASTED_HTML_CHARS = 1_000_000;
/** Plain text above this size is pasted a line per block directly (squire-editor.ts insertPlainTextBulk). */
export const MAX_PASTED_TEXT_CHARS = 200_000;

export type FormatCommand = 'bold' | 'italic' | 'underline' | 'bulleted-list' | 'numbered-list' | 'quote' | 'unquote' | 'clear-formatting';

export interface RichEditorHandle {
  /** The editor's markup (display form: see compose/editor-html.ts). */
  html(): string;
  root(): HTMLElement | null;
  focus(): void;
  command(name: FormatCommand): void;
  makeLink(url: string): void;
  insertImage(dataUrl: string): void;
  /** Replaces the signature block (`.homing-signature`) with this markup, or removes it (null). */
  replaceSignature(html: string | null): void;
  /** Inserts plain text at the cursor. */
  insertText(text: string): void;
}


export interface RichEditorProps {
  initial: EditorContent;
  allowRemote: boolean;
  /** `cid:` → data: URLs of the draft's inline pictures. */
  cidUrls: ReadonlyMap<string, string>;
  label: string;
  onChange(): void;
  /** A paste too large for formatting went in as plain text. */
  onLargePaste(chars: number): void;
  /** Pictures pasted (or dropped into the text): the composer reads them and calls insertImage. */
  onPictures(files: File[]): void;
}

export const RichEditor = forwardRef<RichEditorHandle, RichEditorProps>(function RichEditor(props, ref) {
  const rootRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Squire | null>(null);
  const propsRef = useRef(props);
  useEffect(() => {
    propsRef.current = props;
  });

  useEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    const { allowRemote, cidUrls } = propsRef.current;
    const editor = createEditor(root, { allowRemote, cidUrls });
    editorRef.current = editor;
    loadContent(editor, propsRef.current.initial, { allowRemote, cidUrls });
    editor.addEventListener('input', () => propsRef.current.onChange());
    editor.addEventListener('pasteImage', (event: Event) => {
      const data = (event as CustomEvent<{ clipboardData: DataTransfer }>).detail.clipboardData;
      const files = Array.from(data.files).filter((f) => f.type.startsWith('image/'));
      if (files.length) propsRef.current.onPictures(files);
    });
    // Before Squire's own paste handler: a huge HTML paste goes in as its text, and so does a huge text.
    const onPaste = (event: ClipboardEvent) => {
      const html = event.clipboardData?.getData('text/html') ?? '';
      const plain = event.clipboardData?.getData('text/plain') ?? '';
      if (html.length <= MAX_PASTED_HTML_CHARS && plain.length <= MAX_PASTED_TEXT_CHARS) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const text = plain || (new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '');
      if (html.length > MAX_PASTED_HTML_CHARS) propsRef.current.onLargePaste(html.length);
      insertPlainTextBulk(editor, text);
      propsRef.current.onChange();
    };
    const onDrop = (event: DragEvent) => {
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (!files.length) return;
      const pictures = files.filter((f) => f.type.startsWith('image/'));
      if (pictures.length !== files.length) return; // other files: the composer attaches them
      event.preventDefault();
      event.stopImmediatePropagation();
      propsRef.current.onPictures(pictures);
    };
    root.addEventListener('paste', onPaste, true);
    root.addEventListener('drop', onDrop, true);
    return () => {
      root.removeEventListener('paste', onPaste, true);
      root.removeEventListener('drop', onDrop, true);
      editor.destroy();
      editorRef.current = null;
    };
    // The editor is made once per mount; the composer remounts it (key) to start over.
  }, []);

  useImperativeHandle(ref, () => ({
    html: () => editorRef.current?.getHTML() ?? '',
    root: () => rootRef.current,
    focus: () => editorRef.current?.focus(),
    command(name) {
      const editor = editorRef.current;
      if (!editor) return;
      const actions: Record<FormatCommand, () => void> = {
        bold: () => (editor.hasFormat('B') ? editor.removeBold() : editor.bold()),
        italic: () => (editor.hasFormat('I') ? editor.removeItalic() : editor.italic()),
        underline: () => (editor.hasFormat('U') ? editor.removeUnderline() : editor.underline()),
        'bulleted-list': () => (editor.hasFormat('UL') ? editor.removeList() : editor.makeUnorderedList()),
        'numbered-list': () => (editor.hasFormat('OL') ? editor.removeList() : editor.makeOrderedList()),
        quote: () => editor.increaseQuoteLevel(),
        unquote: () => editor.decreaseQuoteLevel(),
        'clear-formatting': () => editor.removeAllFormatting(),
      };
      actions[name]();
      editor.focus();
    },
    makeLink(url) {
      editorRef.current?.makeLink(url, { target: '_blank', rel: 'noopener noreferrer' });
    },
    insertImage(dataUrl) {
      editorRef.current?.insertImage(dataUrl, { alt: '', style: 'max-width:100%' });
    },
    replaceSignature(html) {
      const editor = editorRef.current;
      const root = rootRef.current;
      if (!editor || !root) return;
      editor.modifyDocument(() => {
        const old = root.querySelector(':scope > .homing-signature');
        const next = html === null ? null : signatureBlock(html, propsRef.current.allowRemote);
        if (old && next) old.replaceWith(next);
        else if (old) old.remove();
        else if (next) {
          const quote = root.querySelector(`:scope > .${QUOTE_CLASS}, :scope > .homing-attribution`);
          if (quote) quote.before(next);
          else root.append(next);
        }
      });
      editor.saveUndoState();
      propsRef.current.onChange();
    },
    insertText(text) {
      editorRef.current?.insertPlainText(text, false);
    },
  }));

  return (
    <div
      ref={rootRef}
      className="editor-canvas"
      role="textbox"
      aria-multiline="true"
      aria-label={props.label}
      data-testid="compose-editor"
      spellCheck
    />
  );
});

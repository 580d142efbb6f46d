import { type RefObject, useState } from 'react';
import { Icon, type IconName } from '../Icon';
import type { FormatCommand, RichEditorHandle } from './RichEditor';

export interface ComposeToolbarProps {
  format: 'html' | 'plain';
  editor: RefObject<RichEditorHandle | null>;
  onPlain(): void;
  onRich(): void;
  onAttach(): void;
}

const commands: Array<{ command: FormatCommand; label: string; icon: IconName; keys: string }> = [
  { command: 'bold', label: 'Bold', icon: 'bold', keys: 'Ctrl+B' },
  { command: 'italic', label: 'Italic', icon: 'italic', keys: 'Ctrl+I' },
  { command: 'underline', label: 'Underline', icon: 'underline', keys: 'Ctrl+U' },
  { command: 'bulleted-list', label: 'Bulleted list', icon: 'list', keys: 'Ctrl+Shift+8' },
  { command: 'numbered-list', label: 'Numbered list', icon: 'list-ordered', keys: 'Ctrl+Shift+9' },
  { command: 'quote', label: 'Quote', icon: 'quote', keys: 'Ctrl+]' },
  { command: 'clear-formatting', label: 'Remove formatting', icon: 'eraser', keys: '' },
];

/** Formatting (rich text only), links, attaching, and the switch between rich and plain text. */
export function ComposeToolbar({ format, editor, onPlain, onRich, onAttach }: ComposeToolbarProps) {
  const [linking, setLinking] = useState<string | null>(null);
  const rich = format === 'html';
  return (
    <div className="compose-toolbar" role="toolbar" aria-label="Formatting">
      {rich &&
        commands.map((c) => (
          <button
            key={c.command}
            type="button"
            className="icon-button"
            aria-label={c.label}
            title={c.keys ? `${c.label} (${c.keys})` : c.label}
            // Keep the editor's selection: a mousedown on the button would take the focus away.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => editor.current?.command(c.command)}
          >
            <Icon name={c.icon} size={15} />
          </button>
        ))}
      {rich && (
        <button type="button" className="icon-button" aria-label="Link" title="Link" onMouseDown={(e) => e.preventDefault()} onClick={() => setLinking('https://')}>
          <Icon name="link" size={15} />
        </button>
      )}
      {linking !== null && (
        <form
          className="link-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (/^(https?:\/\/\S+|mailto:\S+)$/i.test(linking.trim())) editor.current?.makeLink(linking.trim());
            setLinking(null);
          }}
        >
          <input className="text-input" aria-label="Link address" autoFocus value={linking} onChange={(e) => setLinking(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setLinking(null)} />
          <button type="submit" className="button small">
            Add link
          </button>
        </form>
      )}
      <span className="toolbar-spacer" />
      <button type="button" className="button small" onClick={onAttach}>
        <Icon name="paperclip" size={14} /> Attach
      </button>
      <button type="button" className="button small" onClick={rich ? onPlain : onRich} aria-pressed={!rich} title="Send this message as plain text (format=flowed) or with formatting">
        <Icon name="text" size={14} /> Plain text
      </button>
    </div>
  );
}

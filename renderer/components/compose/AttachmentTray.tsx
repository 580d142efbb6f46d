import type { ComposerAttachment } from '../../compose/attachments';
import { formatSize } from '../../mail/format';
import { Icon } from '../Icon';

export interface AttachmentTrayProps {
  attachments: ComposerAttachment[];
  /** The message would be larger than the server takes. */
  warning: string | null;
  onRemove(key: number): void;
}

/** The message's attachments with their sizes; one that cannot be read says so by name. */
export function AttachmentTray({ attachments, warning, onRemove }: AttachmentTrayProps) {
  if (attachments.length === 0 && !warning) return null;
  return (
    <section className="attachment-tray" aria-label="Attachments">
      {attachments.length > 0 && (
        <ul className="attachment-chips">
          {attachments.map((a) => {
            const error = a.kind === 'file' ? a.error : null;
            return (
              <li key={a.key} className={`attachment-chip ${error ? 'invalid' : ''}`} title={error ?? a.name}>
                <Icon name={error ? 'alert' : 'paperclip'} size={13} />
                <span className="attachment-name">{a.name}</span>
                <span className="muted">{formatSize(a.size)}</span>
                {error && <span className="attachment-error">{error}</span>}
                <button type="button" className="icon-button tiny" aria-label={`Remove ${a.name}`} onClick={() => onRemove(a.key)}>
                  <Icon name="x" size={11} />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {warning && (
        <p className="size-warning" role="status">
          <Icon name="alert" size={14} /> {warning}
        </p>
      )}
    </section>
  );
}

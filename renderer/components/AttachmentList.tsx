import { useState } from 'react';
import type { AttachmentInfo } from '../../shared/contract/messages';
import { api } from '../api/client';
import { desktop } from '../api/desktop';
import { displayText, NAME_DISPLAY_MAX } from '../mail/display-text';
import { formatSize, plural } from '../mail/format';
import { Icon } from './Icon';

export interface AttachmentListProps {
  messageId: number;
  attachments: AttachmentInfo[];
  onError(error: unknown): void;
}

/**
 * The message's attachments with their sizes. In the app, saving goes through the shell's save dialog and
 * opening through the system's viewer (documents, pictures and media only; anything else is saved); in a plain browser the bytes come from the
 * service and are handed over as a download. Nothing is ever opened inside the app.
 */
export function AttachmentList({ messageId, attachments, onError }: AttachmentListProps) {
  const [saving, setSaving] = useState<number | null>(null);
  const save = async (attachment: AttachmentInfo) => {
    setSaving(attachment.id);
    try {
      if (desktop) {
        await desktop.saveAttachment({ messageId, attachmentId: attachment.id });
        return;
      }
      const file = await api.getAttachment({ messageId, attachmentId: attachment.id });
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      // application/octet-stream: the browser saves the file and never renders it.
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = safeFilename(file.filename || attachment.filename);
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      onError(error);
    } finally {
      setSaving(null);
    }
  };
  const total = attachments.reduce((sum, a) => sum + a.size, 0);
  return (
    <section className="attachments" aria-label={plural(attachments.length, 'attachment')}>
      <div className="attachments-title">
        <Icon name="paperclip" size={14} />
        {plural(attachments.length, 'attachment')} · {formatSize(total)}
      </div>
      <ul className="attachment-chips">
        {attachments.map((attachment) => (
          <li key={attachment.id}>
            <button
              type="button"
              className="attachment-chip"
              onClick={() => void save(attachment)}
              aria-busy={saving === attachment.id}
              title={`Save ${shownName(attachment)}`}
            >
              <span className="attachment-type" aria-hidden="true">
                {extensionOf(attachment)}
              </span>
              <span className="visually-hidden">Save </span>
              <span className="attachment-name" dir="auto">
                {shownName(attachment)}
              </span>
              <span className="attachment-size">{formatSize(attachment.size)}</span>
              <Icon name="download" size={14} className="attachment-save" />
            </button>
            {desktop && (
              <button
                type="button"
                className="icon-button attachment-open"
                aria-label={`Open ${shownName(attachment)}`}
                title="Open with the system’s viewer"
                onClick={() => desktop?.openAttachment({ messageId, attachmentId: attachment.id }).catch(onError)}
              >
                <Icon name="external" size={14} />
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The name as the chip shows it: bidi controls removed (`invoice<RLO>fdp.exe` is not "invoiceexe.pdf"), one line, capped. */
function shownName(attachment: AttachmentInfo): string {
  return displayText(attachment.filename, NAME_DISPLAY_MAX) || 'Untitled attachment';
}

function extensionOf(attachment: AttachmentInfo): string {
  const match = /\.([a-z0-9]{1,4})$/i.exec(attachment.filename);
  if (match) return match[1]!.toUpperCase();
  const sub = attachment.contentType.split('/')[1] ?? 'file';
  return sub.slice(0, 4).toUpperCase();
}

/** A file name without path separators or control characters (the browser cleans it too). */
function safeFilename(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const cleaned = name.replace(/[\\/\u0000-\u001f\u007f]/g, '_').trim();
  return cleaned || 'attachment';
}

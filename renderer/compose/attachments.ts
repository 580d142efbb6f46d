import type { AttachmentSource } from '../../shared/contract/outgoing';
import { formatSize } from '../mail/format';

/**
 * Attachments as the composer holds them. A picked or dropped file is read when the message is next saved
 * or sent, not when it is chosen: a file that disappears in between (a removable disk, a file another
 * program deleted) is then reported by name, instead of being sent as whatever was read long before.
 */
export type ComposerAttachment =
  | { key: number; kind: 'file'; file: File; name: string; size: number; type: string; base64: string | null; error: string | null }
  | { key: number; kind: 'kept'; source: AttachmentSource; name: string; size: number };

let nextKey = 1;
export const attachmentKey = () => nextKey++;

export function fileAttachment(file: File): ComposerAttachment {
  return { key: attachmentKey(), kind: 'file', file, name: file.name || 'attachment', size: file.size, type: file.type || 'application/octet-stream', base64: null, error: null };
}

/** A file's bytes as base64; a file that can no longer be read gives a sentence that names it. */
export async function readFileBase64(file: File): Promise<string> {
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
      reader.readAsDataURL(file);
    });
    return url.slice(url.indexOf(',') + 1);
  } catch {
    throw new Error(`“${file.name}” can no longer be read: it was moved, changed or deleted after you attached it. Remove it and attach it again.`);
  }
}

/** Reads what has not been read yet; returns the attachments with their bytes or their error. */
export async function readPending(attachments: ComposerAttachment[]): Promise<ComposerAttachment[]> {
  return Promise.all(
    attachments.map(async (a) => {
      if (a.kind !== 'file' || a.base64 !== null || a.error !== null) return a;
      try {
        return { ...a, base64: await readFileBase64(a.file) };
      } catch (error) {
        return { ...a, error: (error as Error).message };
      }
    }),
  );
}

/** The attachments as the contract describes them (unreadable files left out: the composer has said why). */
export function attachmentSources(attachments: ComposerAttachment[]): AttachmentSource[] {
  const out: AttachmentSource[] = [];
  for (const a of attachments) {
    if (a.kind === 'kept') out.push(a.source);
    else if (a.base64 !== null) out.push({ kind: 'data', filename: a.name, contentType: a.type, base64: a.base64 });
  }
  return out;
}

/** Bytes on the wire: base64 adds a third, plus line breaks and part headers. */
export const wireBytes = (bytes: number) => Math.ceil(bytes * 1.37) + 600;

/**
 * Many hosting providers refuse messages over 25 MB (Gmail, Microsoft 365, most cPanel defaults); used when
 * the outgoing server has not said its own limit (SIZE, RFC 1870).
 */
export const COMMON_SIZE_LIMIT = 25 * 1024 * 1024;

/** A warning before sending when the message would be larger than the server takes. */
export function sizeWarning(messageBytes: number, serverLimit: number | null): string | null {
  const limit = serverLimit ?? COMMON_SIZE_LIMIT;
  if (messageBytes <= limit) return null;
  const size = formatSize(messageBytes);
  return serverLimit !== null
    ? `With its attachments this message is about ${size}; the outgoing server accepts at most ${formatSize(serverLimit)}. Remove some attachments or send them another way.`
    : `With its attachments this message is about ${size}; many mail servers refuse messages over ${formatSize(limit)}.`;
}

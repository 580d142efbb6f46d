import { FILE_NAME_MAX } from './limits';

/** Device names Windows reserves in every folder, with any extension (`CON.txt` is the console too). */
const windowsReserved = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * A file name from a message (an attachment's name, a subject) made safe to create on every platform:
 * no folders (a name like `../../.bashrc` stays in its folder), no characters Windows forbids, no control
 * or bidi-override characters (`invoice\u202Efdp.exe` shows as "invoiceexe.pdf"), no leading dot (a hidden
 * file), no trailing dot or space (Windows drops them), no reserved device name, and not too long (the
 * extension is kept). Empty results become `fallback`.
 */
export function safeFileName(name: string, fallback = 'attachment'): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  let clean = base
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (windowsReserved.test(clean)) clean = `_${clean}`;
  if (clean.length > FILE_NAME_MAX) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
    clean = clean.slice(0, FILE_NAME_MAX - ext.length).trimEnd() + ext;
  }
  return clean || fallback;
}

/** Extensions for the types that commonly come without a file name. */
const TYPE_EXTENSIONS: Record<string, string> = {
  'message/rfc822': '.eml',
  'message/global': '.eml',
  'text/calendar': '.ics',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/csv': '.csv',
  'application/pdf': '.pdf',
  'application/ms-tnef': '.dat',
  'application/pkcs7-mime': '.p7m',
  'application/pkcs7-signature': '.p7s',
  'application/pgp-signature': '.asc',
  'application/pgp-encrypted': '.asc',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
};

/**
 * The file name an attachment is saved or opened under: its own name made safe (safeFileName), or, for a
 * part that has none, `attachment` with the extension of its type. Found with mail that names no file:
 * a forwarded message (message/rfc822) or a calendar invitation (text/calendar) was saved as a bare
 * `attachment` that no program would open.
 */
export function attachmentFileName(filename: string, contentType: string): string {
  const name = safeFileName(filename, '');
  if (name) return name;
  return `attachment${TYPE_EXTENSIONS[contentType.toLowerCase().split(';')[0]!.trim()] ?? ''}`;
}

/**
 * The Local Folders folder an imported file goes into: named after the file (`Inbox.mbox` → `Inbox`,
 * a Maildir folder → its name). Single messages (.eml) go together into `Imported`.
 */
export function importFolderName(path: string): string {
  const base = path.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? '';
  if (/\.eml$/i.test(base)) return 'Imported';
  const name = base.replace(/\.(mbox|mbx|mbs)$/i, '').trim();
  return name || 'Imported';
}

/** The suggested file name for a folder exported as mbox (`INBOX/Projects` → `Projects.mbox`). */
export function exportFolderFileName(folderPath: string): string {
  const last = folderPath.split('/').filter(Boolean).pop() ?? '';
  return `${safeFileName(last, 'folder')}.mbox`;
}

/** "Save as PDF": the subject as a file name, or `message`. */
export function pdfFileName(subject: string): string {
  return `${safeFileName(subject.slice(0, FILE_NAME_MAX - 4), 'message')}.pdf`;
}

/** The suggested file name for a message saved as .eml: its subject, or `message`. */
export function exportMessageFileName(subject: string): string {
  return `${safeFileName(subject.slice(0, FILE_NAME_MAX - 4), 'message')}.eml`;
}

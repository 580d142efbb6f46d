/**
 * What a folder's own name may be, on every kind of account: not empty, not `.` or `..`, no control
 * characters, not the hierarchy separator (it would make a subfolder), and not IMAP's LIST wildcards `%`
 * and `*` (RFC 3501 section 6.3.8: a name with them cannot be listed on its own). Letters of any script
 * are fine: imapflow writes them in modified UTF-7 (RFC 3501 section 5.1.3) unless the server took
 * UTF8=ACCEPT. `refusedByServer`: what the account's server is known to refuse besides (FolderPlanner's
 * refusedInNames). Null when the name is fine, else why not, in the user's words.
 */
export function folderNameProblem(name: string, delimiter: string | null, refusedByServer: readonly string[] = []): string | null {
  if (name === '') return 'A folder needs a name.';
  if (name === '.' || name === '..') return `"${name}" cannot be a folder name.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'A folder name cannot contain control characters or line breaks.';
  if (delimiter && name.includes(delimiter)) return `A folder name cannot contain "${delimiter}": it separates folders from their subfolders on this account.`;
  if (/[%*]/.test(name)) return 'A folder name cannot contain % or *.';
  const refused = refusedByServer.find((c) => name.includes(c));
  if (refused) return `A folder name cannot contain "${refused}" on this account: its server does not allow it in folder names.`;
  if (Buffer.byteLength(name, 'utf8') > 255) return 'The folder name is too long.';
  return null;
}

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

/**
 * File types that run as a program, or install, mount or configure something, when "opened". An
 * attachment of such a type is never handed to the system's default handler from the mail: the user is
 * asked to save it instead (as Outlook and Thunderbird do). Lower case, without the dot.
 */
const runnable = new Set([
  // Windows programs, scripts, installers, shortcuts and settings
  'exe', 'com', 'scr', 'pif', 'bat', 'cmd', 'msi', 'msp', 'mst', 'msix', 'msixbundle', 'appx', 'appxbundle',
  'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ws', 'ps1', 'psm1', 'psd1', 'hta', 'cpl', 'msc', 'lnk', 'url',
  'reg', 'inf', 'scf', 'application', 'appref-ms', 'gadget', 'chm', 'hlp', 'dll', 'sys', 'drv', 'ocx',
  'library-ms', 'settingcontent-ms', 'search-ms', 'searchconnector-ms', 'xll', 'xbap', 'jar', 'jnlp',
  // Disk images mount (and once bypassed Windows' mark-of-the-web)
  'iso', 'img', 'vhd', 'vhdx',
  // macOS applications, installers and scripts
  'app', 'pkg', 'mpkg', 'dmg', 'command', 'tool', 'terminal', 'workflow', 'action', 'scpt', 'scptd', 'applescript', 'prefpane', 'kext', 'webloc', 'inetloc', 'fileloc',
  // Linux and Unix programs, scripts and packages
  'sh', 'bash', 'zsh', 'csh', 'ksh', 'fish', 'run', 'bin', 'desktop', 'appimage', 'deb', 'rpm', 'snap', 'flatpakref',
  'py', 'pyw', 'pl', 'rb', 'php', 'elf', 'out',
]);

/** Whether opening this file would run or install something (see `runnable`). */
export function isRunnable(fileName: string): boolean {
  const dot = fileName.lastIndexOf('.');
  return dot >= 0 && runnable.has(fileName.slice(dot + 1).toLowerCase());
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

/** The suggested file name for a message saved as .eml: its subject, or `message`. */
export function exportMessageFileName(subject: string): string {
  return `${safeFileName(subject.slice(0, FILE_NAME_MAX - 4), 'message')}.eml`;
}

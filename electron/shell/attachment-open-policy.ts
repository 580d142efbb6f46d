/**
 * Which attachments "Open" hands to the system's default application. An allow-list: a type is opened
 * directly only when opening it shows a document, a picture or a recording and does nothing else. Every
 * other type is saved instead (the user is asked; nothing is opened). A deny-list of dangerous types
 * was always one type behind (`.rdp`, `.one`, `.theme`, `.appinstaller`, `.iqy`… each of them launches,
 * connects or installs something on some system).
 *
 * What is left out, and why:
 * - pages: `.html .svg .xhtml .mht` and the like open in a browser, which runs their scripts with a
 *   `file://` origin (they may read other local files) and shows a sender's page as if it were a site;
 * - Office formats that can carry macros or embedded objects: `.doc .xls .ppt`, the `…m` formats, `.rtf`.
 *   Office blocks macros in files from the internet by their mark-of-the-web, which our copy in a
 *   temporary folder does not carry, so it would not open them in Protected View. The OOXML `.docx
 *   .xlsx .pptx` cannot hold macros at all and are opened;
 * - `.csv`: a spreadsheet evaluates formulas (and on older Office, DDE commands) from its cells;
 * - archives (`.zip .7z .rar`…): the system opens them as folders, from which a program inside runs with
 *   one more click and no warning;
 * - playlists and Windows Media containers (`.m3u .pls .asx .wmv .wma .asf`): they name further files or
 *   URLs to fetch (a link to a network share sends the user's Windows credentials);
 * - mail, calendar and contact files (`.eml .ics .vcf`): another program acts on them (imports events,
 *   contacts) rather than only showing them.
 * Saving any of these still works: the user then opens the file deliberately from their own folder.
 */

/** Extensions opened directly, lower case without the dot. */
const openedDirectly = new Set([
  // Documents: PDF, plain and Markdown text, OpenDocument, macro-free Office Open XML, Apple iWork
  'pdf', 'txt', 'text', 'log', 'md',
  'odt', 'ods', 'odp', 'odg',
  'docx', 'xlsx', 'pptx',
  'pages', 'numbers', 'key',
  // Images (not SVG: it is a page with scripts)
  'jpg', 'jpeg', 'png', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'heic', 'heif', 'avif',
  // Audio
  'mp3', 'm4a', 'aac', 'wav', 'flac', 'ogg', 'oga', 'opus', 'aif', 'aiff',
  // Video
  'mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi', 'ogv',
]);

/** Types a browser renders as a page, scripts and all: named in the warning as such. */
const pages = new Set(['html', 'htm', 'shtml', 'xhtml', 'xht', 'svg', 'svgz', 'mht', 'mhtml', 'xml', 'xsl', 'hta']);

/**
 * Types that run as a program, or install, mount or configure something: named in the warning as such.
 * Only the words of the warning depend on this list; none of these is on the allow-list anyway.
 */
const programs = new Set([
  // Windows programs, scripts, installers, shortcuts and settings
  'exe', 'com', 'scr', 'pif', 'bat', 'cmd', 'msi', 'msp', 'mst', 'msix', 'msixbundle', 'appx', 'appxbundle', 'appinstaller', 'msu', 'cab',
  'vb', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ws', 'wsc', 'sct', 'ps1', 'psm1', 'psd1', 'ps1xml', 'cpl', 'msc', 'lnk', 'url',
  'reg', 'inf', 'scf', 'application', 'appref-ms', 'gadget', 'chm', 'hlp', 'dll', 'sys', 'drv', 'ocx', 'diagcab', 'wsb',
  'library-ms', 'settingcontent-ms', 'search-ms', 'searchconnector-ms', 'theme', 'themepack', 'xll', 'xbap', 'jar', 'jnlp', 'iqy', 'slk',
  // Disk images mount (and once bypassed Windows' mark-of-the-web)
  'iso', 'img', 'vhd', 'vhdx',
  // macOS applications, installers and scripts
  'app', 'pkg', 'mpkg', 'dmg', 'command', 'tool', 'terminal', 'workflow', 'action', 'scpt', 'scptd', 'applescript', 'prefpane', 'kext', 'webloc', 'inetloc', 'fileloc',
  // Linux and Unix programs, scripts and packages
  'sh', 'bash', 'zsh', 'csh', 'ksh', 'fish', 'run', 'bin', 'desktop', 'appimage', 'deb', 'rpm', 'snap', 'flatpakref',
  'py', 'pyw', 'pyz', 'pl', 'rb', 'php', 'elf', 'out',
]);

/** Why an attachment is saved rather than opened, for the words of the question the user sees. */
export type NotOpenedReason = 'program' | 'page' | 'unlisted';

export type AttachmentOpenPolicy = { open: true } | { open: false; reason: NotOpenedReason };

/**
 * Whether "Open" may hand this file to the system, decided by its extension (what the system decides
 * by). `fileName` is the name the copy gets on disk (`safeFileName` has removed bidi controls and
 * trailing dots, so the extension seen here is the one the system sees).
 */
export function attachmentOpenPolicy(fileName: string): AttachmentOpenPolicy {
  const dot = fileName.lastIndexOf('.');
  const extension = dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
  if (openedDirectly.has(extension)) return { open: true };
  if (programs.has(extension)) return { open: false, reason: 'program' };
  if (pages.has(extension)) return { open: false, reason: 'page' };
  return { open: false, reason: 'unlisted' };
}

import { describe, expect, it } from 'vitest';
import { attachmentOpenPolicy } from '../../../../electron/shell/attachment-open-policy';
import { createDesktopHandlers } from '../../../../electron/shell/desktop-handlers';

/** Every type the issue found missing from the old deny-list: none may be handed to the system's default handler. */
const missedByTheDenyList = ['.rdp', '.one', '.cab', '.msu', '.theme', '.themepack', '.sct', '.wsc', '.wsb', '.diagcab', '.appinstaller', '.iqy', '.slk', '.mdb', '.ps1xml', '.pyz', '.vb'];
/** Types a browser (the default handler of each on most systems) runs as a page, scripts included. */
const pages = ['.html', '.htm', '.svg', '.svgz', '.xhtml', '.xht', '.mht', '.mhtml', '.shtml', '.xml', '.hta'];
/** What the old list caught, still never opened. */
const programs = ['.exe', '.com', '.scr', '.bat', '.cmd', '.msi', '.js', '.vbs', '.ps1', '.lnk', '.url', '.reg', '.jar', '.iso', '.img', '.vhd', '.app', '.pkg', '.dmg', '.command', '.sh', '.desktop', '.AppImage', '.deb', '.py'];
/** Formats that may carry macros or embedded objects, and containers whose contents would open unchecked. */
const risky = ['.doc', '.xls', '.ppt', '.docm', '.xlsm', '.pptm', '.dotm', '.xlam', '.rtf', '.csv', '.zip', '.7z', '.rar', '.tar', '.gz', '.eml', '.ics', '.vcf', '.m3u', '.pls', '.asx', '.wmv', '.wma', '.asf', '.epub', '.chm', '.pdf.exe', ''];
/** Documents, images, audio and video, plain text: what people open straight from a message. */
const opened = ['.pdf', '.txt', '.log', '.md', '.odt', '.ods', '.odp', '.docx', '.xlsx', '.pptx', '.pages', '.numbers', '.key',
  '.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp', '.tif', '.tiff', '.heic', '.heif', '.avif',
  '.mp3', '.m4a', '.aac', '.wav', '.flac', '.ogg', '.opus', '.mp4', '.m4v', '.mov', '.webm', '.mkv', '.avi'];

describe('which attachments are opened directly (an allow-list)', () => {
  it.each([...missedByTheDenyList, ...pages, ...programs, ...risky])('never opens %j directly', (extension) => {
    for (const name of [`file${extension}`, `FILE${extension.toUpperCase()}`]) {
      expect(attachmentOpenPolicy(name), name).toMatchObject({ open: false });
    }
  });

  it.each(opened)('opens %j directly', (extension) => {
    expect(attachmentOpenPolicy(`Report 2024${extension}`)).toEqual({ open: true });
    expect(attachmentOpenPolicy(`REPORT${extension.toUpperCase()}`)).toEqual({ open: true });
  });

  it('says why: a program, a page, or a type not on the list', () => {
    expect(attachmentOpenPolicy('setup.exe')).toEqual({ open: false, reason: 'program' });
    expect(attachmentOpenPolicy('invoice.html')).toEqual({ open: false, reason: 'page' });
    expect(attachmentOpenPolicy('invoice.svg')).toEqual({ open: false, reason: 'page' });
    expect(attachmentOpenPolicy('remote.rdp')).toEqual({ open: false, reason: 'unlisted' });
    expect(attachmentOpenPolicy('README')).toEqual({ open: false, reason: 'unlisted' });
    expect(attachmentOpenPolicy('.pdf')).toEqual({ open: false, reason: 'unlisted' });
  });

  it('sends a page type to the save question, never to the viewer', async () => {
    const warned: string[] = [];
    const opened: string[] = [];
    const handlers = createDesktopHandlers({
      service: {
        getAttachment: async () => ({ filename: 'statement.html', contentType: 'text/html', base64: Buffer.from('<script>1</script>').toString('base64') }),
      } as never,
      tempDir: async () => '/nonexistent',
      saveDir: '/nonexistent',
      chooseSavePath: async () => null,
      chooseImportPaths: async () => [],
      confirmSaveInstead: async (name, reason) => (warned.push(`${name} (${reason})`), false),
      printPage: async () => false,
      pageToPdf: async () => Buffer.alloc(0),
      openPath: async (path) => (opened.push(path), ''),
      openComposer: () => undefined,
      mailHandler: { supported: false, isDefault: () => false, set: () => false },
    });
    expect(await handlers.openAttachment({ messageId: 1, attachmentId: 1 })).toEqual({ done: false });
    expect(warned).toEqual(['statement.html (page)']);
    expect(opened).toEqual([]);
  });
});

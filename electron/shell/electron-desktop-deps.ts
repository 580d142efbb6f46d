import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserWindow, dialog, shell, type WebContents } from 'electron';
import type { NotOpenedReason } from './attachment-open-policy';
import type { DesktopDeps } from './desktop-handlers';

const notOpenedWords: Record<NotOpenedReason, (fileName: string) => string> = {
  program: (name) => `“${name}” is a program or script.`,
  page: (name) => `“${name}” is a web page, which would run in your browser.`,
  unlisted: (name) => `Homing does not open files like “${name}” directly.`,
};

/**
 * The Electron side of the desktop methods: dialogs attached to the window, `shell.openPath`, and the
 * private temporary folder for opened attachments. `dispose` removes that folder (at quit).
 */
export function electronDesktopDeps(
  window: BrowserWindow,
  downloadsDir: string,
): Omit<DesktopDeps, 'service' | 'openComposer' | 'mailHandler'> & { dispose(): Promise<void> } {
  let temp: Promise<string> | null = null;
  /**
   * A page to print or turn into PDF, in a hidden window of its own that runs no script at all
   * (javascript: false, sandboxed, its own session), cannot navigate or open windows, and loads the page
   * from a private file (a page with inline images is larger than a data: URL may be). The page carries
   * its own CSP (remote content only if the reader showed it).
   */
  async function withPageWindow<T>(parent: BrowserWindow, html: string, use: (contents: WebContents) => Promise<T>): Promise<T> {
    const file = join(await privateDir(), `page-${randomBytes(8).toString('hex')}.html`);
    await writeFile(file, html, { mode: 0o600 });
    const page = new BrowserWindow({
      parent,
      show: false,
      webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, partition: 'homing-print', spellcheck: false },
    });
    page.webContents.on('will-navigate', (event) => event.preventDefault());
    page.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    try {
      await page.loadFile(file);
      return await use(page.webContents);
    } finally {
      page.destroy();
      await rm(file, { force: true });
    }
  }
  // mkdtemp creates the folder with mode 0700: other users of the computer cannot read the copies.
  const privateDir = () =>
    (temp ??= mkdtemp(join(tmpdir(), 'homing-attachments-')).catch((error: unknown) => {
      temp = null;
      throw error;
    }));

  return {
    saveDir: downloadsDir,
    tempDir: privateDir,
    async chooseSavePath({ title, defaultName, filters }) {
      const result = await dialog.showSaveDialog(window, {
        title,
        defaultPath: join(downloadsDir, defaultName),
        filters: [...filters, { name: 'All files', extensions: ['*'] }],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseImportPaths(kind) {
      const result = await dialog.showOpenDialog(
        window,
        kind === 'maildir'
          ? { title: 'Import a Maildir Folder', properties: ['openDirectory'] }
          : {
              title: 'Import Mail Files',
              properties: ['openFile', 'multiSelections'],
              filters: [
                { name: 'Mail (mbox, .eml)', extensions: ['mbox', 'mbx', 'eml'] },
                // Thunderbird and mutt keep mbox files without an extension.
                { name: 'All files', extensions: ['*'] },
              ],
            },
      );
      return result.canceled ? [] : result.filePaths;
    },
    async confirmSaveInstead(fileName, reason) {
      const { response } = await dialog.showMessageBox(window, {
        type: 'warning',
        buttons: ['Save As…', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: notOpenedWords[reason](fileName),
        detail: 'Homing opens documents, pictures, music and videos directly; other files only after you save them. Save it only if you trust the sender and expected it.',
      });
      return response === 0;
    },
    openPath: (path) => shell.openPath(path),
    async printPage(html) {
      return withPageWindow(window, html, (contents) => new Promise<boolean>((resolve) => contents.print({ printBackground: true }, (printed) => resolve(printed))));
    },
    async pageToPdf(html) {
      return withPageWindow(window, html, (contents) => contents.printToPDF({ printBackground: true }));
    },
    async dispose() {
      if (temp) await rm(await temp, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailService } from '../../shared/contract';
import type { ComposeIntent } from '../../shared/compose-intent';
import type { DesktopHandlers } from '../../shared/contract/desktop';
import { HomingError, isDiskFullError } from '../../shared/errors';
import { attachmentOpenPolicy, type NotOpenedReason } from './attachment-open-policy';
import { attachmentFileName, exportFolderFileName, exportMessageFileName, importFolderName, pdfFileName } from './file-names';

/** The parts of Electron the desktop methods use, as plain functions (dialogs.ts provides the real ones). */
export interface DesktopDeps {
  service: Pick<MailService, 'getAttachment' | 'getMessage' | 'exportMessage' | 'exportFolder' | 'importMail'>;
  /** A private folder (mode 0700) for opened attachments, removed when the app quits. */
  tempDir(): Promise<string>;
  /** The folder save dialogs start in (Downloads). */
  saveDir: string;
  /** A save dialog; the chosen path, or null when cancelled. */
  chooseSavePath(options: { title: string; defaultName: string; filters: Filter[] }): Promise<string | null>;
  /** An open dialog for mail files (several) or one Maildir folder; empty when cancelled. */
  chooseImportPaths(kind: 'files' | 'maildir'): Promise<string[]>;
  /** Asks whether to save a file that is not opened directly (attachment-open-policy.ts) instead. */
  confirmSaveInstead(fileName: string, reason: NotOpenedReason): Promise<boolean>;
  /** `shell.openPath`: resolves to an error message, or '' when the file was opened. */
  openPath(path: string): Promise<string>;
  /** Opens a composer window (composer-windows.ts). */
  openComposer(intent: ComposeIntent): void;
  /** The system's mailto: handler (`app.setAsDefaultProtocolClient`), asked only from the settings. */
  mailHandler: {
    supported: boolean;
    isDefault(): boolean;
    set(enabled: boolean): boolean;
  };
  /** The system's print dialog for a page; true when it was printed (false: cancelled). */
  printPage(html: string): Promise<boolean>;
  /** A page as PDF bytes. */
  pageToPdf(html: string): Promise<Buffer>;
}

export interface Filter {
  name: string;
  extensions: string[];
}

/**
 * The desktop-only methods (shared/contract/desktop.ts). Every path comes from a dialog the user answered;
 * the service's path methods, which the IPC gate keeps from the window, are called from here.
 */
export function createDesktopHandlers(deps: DesktopDeps): DesktopHandlers {
  const { service } = deps;

  const saveAttachment: DesktopHandlers['saveAttachment'] = async ({ messageId, attachmentId }) => {
    const attachment = await service.getAttachment({ messageId, attachmentId });
    const name = attachmentFileName(attachment.filename, attachment.contentType);
    const path = await deps.chooseSavePath({ title: 'Save Attachment', defaultName: name, filters: [] });
    if (!path) return { done: false };
    await writeOrExplain(path, Buffer.from(attachment.base64, 'base64'));
    return { done: true, path };
  };

  return {
    async openAttachment({ messageId, attachmentId }) {
      const attachment = await service.getAttachment({ messageId, attachmentId });
      const name = attachmentFileName(attachment.filename, attachment.contentType);
      const policy = attachmentOpenPolicy(name);
      if (!policy.open) {
        return (await deps.confirmSaveInstead(name, policy.reason)) ? saveAttachment({ messageId, attachmentId }) : { done: false };
      }
      // One folder per attachment: the file keeps its own name (the viewer shows it) without clashes.
      const dir = join(await deps.tempDir(), `${messageId}-${attachmentId}`);
      const path = join(dir, name);
      if (!(await exists(path))) {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        // Read-only: it is a copy, and an editor should say so rather than let changes vanish at quit.
        await writeOrExplain(path, Buffer.from(attachment.base64, 'base64'), 0o400);
      }
      const problem = await deps.openPath(path);
      if (problem) throw new HomingError('IO_ERROR', `No application could open ${name}.`, { reason: problem });
      return { done: true };
    },

    saveAttachment,

    async exportMessageWithDialog({ id }) {
      const message = await service.getMessage({ id });
      const path = await deps.chooseSavePath({
        title: 'Save Message',
        defaultName: exportMessageFileName(message.subject),
        filters: [{ name: 'Email message', extensions: ['eml'] }],
      });
      if (!path) return { done: false };
      // The whole message: its rest is downloaded first if only the headers are stored (BODY_NOT_DOWNLOADED when that fails).
      await service.exportMessage({ id, emlPath: path, part: 'whole' });
      return { done: true, path };
    },

    async exportFolderWithDialog({ accountId, folderPath }) {
      const path = await deps.chooseSavePath({
        title: 'Export Folder',
        defaultName: exportFolderFileName(folderPath),
        filters: [{ name: 'mbox mailbox', extensions: ['mbox'] }],
      });
      if (!path) return { done: false };
      const { exported } = await service.exportFolder({ accountId, folderPath, mboxPath: path, part: 'whole' });
      return { done: true, path, exported };
    },

    async openComposer(intent) {
      deps.openComposer(intent);
    },

    async getMailHandler() {
      return { supported: deps.mailHandler.supported, isDefault: deps.mailHandler.supported && deps.mailHandler.isDefault() };
    },

    async setMailHandler({ enabled }) {
      if (!deps.mailHandler.supported) throw new HomingError('INVALID_ARGUMENT', 'This system does not let an app make itself the mail handler; choose Homing in the system settings.');
      return { isDefault: deps.mailHandler.set(enabled) };
    },

    async printDocument({ html }) {
      return { done: await deps.printPage(html) };
    },

    async saveDocumentAsPdf({ html, title }) {
      const path = await deps.chooseSavePath({ title: 'Save as PDF', defaultName: pdfFileName(title), filters: [{ name: 'PDF document', extensions: ['pdf'] }] });
      if (!path) return { done: false };
      await writeOrExplain(path, await deps.pageToPdf(html));
      return { done: true, path };
    },

    async importMailWithDialog({ kind, accountId, folderPath }) {
      const paths = await deps.chooseImportPaths(kind);
      if (!paths.length) return { done: false };
      const results = [];
      // One at a time: each import is one writer transaction after another anyway.
      for (const path of paths) {
        const target = folderPath ?? importFolderName(path);
        results.push({ path, folderPath: target, ...(await service.importMail({ path, accountId, folderPath: target })) });
      }
      return { done: true, results };
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeOrExplain(path: string, data: Buffer, mode?: number): Promise<void> {
  try {
    await writeFile(path, data, mode === undefined ? {} : { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HomingError(isDiskFullError(error) ? 'DISK_FULL' : 'IO_ERROR', `The file could not be written: ${path}`, { code });
  }
}

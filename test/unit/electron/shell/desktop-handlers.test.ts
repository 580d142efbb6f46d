import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDesktopHandlers, type DesktopDeps } from '../../../../electron/shell/desktop-handlers';
import { HomingError } from '../../../../shared/errors';

const bytes = Buffer.from('%PDF-1.7 not really\n');

/** Desktop handlers over a fake service and scripted dialogs; `log` records what the user was shown. */
function setup(
  options: { filename?: string; contentType?: string; savePath?: string | null; importPaths?: string[]; confirm?: boolean; openError?: string; handlerSupported?: boolean; printed?: boolean } = {},
) {
  const log: string[] = [];
  const handler = { isDefault: false };
  const opened: string[] = [];
  const serviceCalls: Array<[string, unknown]> = [];
  const saveDir = mkdtempSync(join(tmpdir(), 'homing-save-'));
  let temp: Promise<string> | null = null;
  const deps: DesktopDeps = {
    service: {
      getAttachment: async (args) => {
        serviceCalls.push(['getAttachment', args]);
        return { filename: options.filename ?? 'report.pdf', contentType: options.contentType ?? 'application/pdf', base64: bytes.toString('base64') };
      },
      getMessage: async ({ id }) => ({ subject: 'Re: Lunch?', id }) as never,
      exportMessage: async (args) => void serviceCalls.push(['exportMessage', args]),
      exportFolder: async (args) => (serviceCalls.push(['exportFolder', args]), { exported: 12 }),
      importMail: async (args) => (serviceCalls.push(['importMail', args]), { imported: 3, duplicates: 1, unparsable: 0 }),
    },
    tempDir: () => (temp ??= mkdtemp(join(tmpdir(), 'homing-attachments-test-'))),
    saveDir,
    chooseSavePath: async ({ title, defaultName }) => {
      log.push(`save dialog: ${title} (${defaultName})`);
      return options.savePath === undefined ? join(saveDir, defaultName) : options.savePath;
    },
    chooseImportPaths: async (kind) => (log.push(`open dialog: ${kind}`), options.importPaths ?? []),
    confirmSaveInstead: async (name, reason) => (log.push(`warned: ${name} (${reason})`), options.confirm ?? false),
    openPath: async (path) => (opened.push(path), options.openError ?? ''),
    openComposer: (intent) => void log.push(`composer: ${JSON.stringify(intent)}`),
    mailHandler: {
      supported: options.handlerSupported ?? true,
      isDefault: () => handler.isDefault,
      set: (enabled) => (handler.isDefault = enabled),
    },
    printPage: async (html) => (log.push(`print dialog: ${html}`), options.printed ?? true),
    pageToPdf: async (html) => Buffer.from(`%PDF-1.7 ${html}`),
  };
  return { handlers: createDesktopHandlers(deps), log, opened, serviceCalls, saveDir };
}

describe('opening an attachment', () => {
  it('offers a nameless forwarded message as attachment.eml (it was a bare "attachment" nothing would open)', async () => {
    const t = setup({ filename: '', contentType: 'message/rfc822', confirm: true });
    const outcome = await t.handlers.openAttachment({ messageId: 7, attachmentId: 3 });
    expect(outcome).toEqual({ done: true, path: join(t.saveDir, 'attachment.eml') });
    expect(t.log[0]).toMatch(/^warned: attachment\.eml /);
    expect(t.log[1]).toBe('save dialog: Save Attachment (attachment.eml)');
  });

  it('opens a private read-only copy under its own (safe) name', async () => {
    const t = setup({ filename: '../Quarterly report.pdf' });
    expect(await t.handlers.openAttachment({ messageId: 7, attachmentId: 2 })).toEqual({ done: true });
    expect(t.opened).toHaveLength(1);
    const path = t.opened[0] as string;
    expect(path).toMatch(/homing-attachments-test-[^/\\]+[/\\]7-2[/\\]Quarterly report\.pdf$/);
    expect(readFileSync(path)).toEqual(bytes);
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o400);
  });

  it('opens the same copy again without rewriting it', async () => {
    const t = setup();
    await t.handlers.openAttachment({ messageId: 7, attachmentId: 2 });
    await t.handlers.openAttachment({ messageId: 7, attachmentId: 2 });
    expect(t.opened[0]).toBe(t.opened[1]);
  });

  it('never opens a program: it warns, and saves only if the user agrees', async () => {
    const declined = setup({ filename: 'invoice.pdf.exe' });
    expect(await declined.handlers.openAttachment({ messageId: 7, attachmentId: 2 })).toEqual({ done: false });
    expect(declined.log).toEqual(['warned: invoice.pdf.exe (program)']);
    expect(declined.opened).toEqual([]);

    const agreed = setup({ filename: 'tool.sh', confirm: true });
    const outcome = await agreed.handlers.openAttachment({ messageId: 7, attachmentId: 2 });
    expect(outcome).toEqual({ done: true, path: join(agreed.saveDir, 'tool.sh') });
    expect(agreed.opened).toEqual([]);
    expect(readFileSync(join(agreed.saveDir, 'tool.sh'))).toEqual(bytes);
  });

  it('explains when no application can open the file', async () => {
    const t = setup({ openError: 'No application is associated' });
    await expect(t.handlers.openAttachment({ messageId: 7, attachmentId: 2 })).rejects.toMatchObject({
      code: 'IO_ERROR',
      detail: { reason: 'No application is associated' },
    });
  });
});

describe('saving and exporting through dialogs', () => {
  it('saves an attachment where the user chose', async () => {
    const t = setup();
    const outcome = await t.handlers.saveAttachment({ messageId: 7, attachmentId: 2 });
    expect(outcome).toEqual({ done: true, path: join(t.saveDir, 'report.pdf') });
    expect(readFileSync(join(t.saveDir, 'report.pdf'))).toEqual(bytes);
  });

  it('does nothing when the dialog is cancelled', async () => {
    const t = setup({ savePath: null });
    expect(await t.handlers.saveAttachment({ messageId: 7, attachmentId: 2 })).toEqual({ done: false });
    expect(await t.handlers.exportFolderWithDialog({ accountId: 'a', folderPath: 'INBOX' })).toEqual({ done: false });
    expect(await t.handlers.exportMessageWithDialog({ id: 7 })).toEqual({ done: false });
    expect(t.serviceCalls.map(([name]) => name)).toEqual(['getAttachment']);
  });

  it('reports a file that cannot be written with a code', async () => {
    const t = setup({ savePath: '/nonexistent-dir/for/sure/report.pdf' });
    const error = await t.handlers.saveAttachment({ messageId: 7, attachmentId: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomingError);
    expect(error).toMatchObject({ code: 'IO_ERROR' });
  });

  it('exports a folder and a message to the chosen paths, suggesting names', async () => {
    const t = setup();
    expect(await t.handlers.exportFolderWithDialog({ accountId: 'a', folderPath: 'INBOX/Projects' })).toEqual({
      done: true,
      path: join(t.saveDir, 'Projects.mbox'),
      exported: 12,
    });
    await t.handlers.exportMessageWithDialog({ id: 7 });
    expect(t.log).toEqual(['save dialog: Export Folder (Projects.mbox)', 'save dialog: Save Message (Re_ Lunch_.eml)']);
    expect(t.serviceCalls).toEqual([
      ['exportFolder', { accountId: 'a', folderPath: 'INBOX/Projects', mboxPath: join(t.saveDir, 'Projects.mbox'), part: 'whole' }],
      ['exportMessage', { id: 7, emlPath: join(t.saveDir, 'Re_ Lunch_.eml'), part: 'whole' }],
    ]);
  });
});

describe('printing and saving as PDF', () => {
  it('prints the page the window built, and says whether the dialog printed it', async () => {
    expect(await setup().handlers.printDocument({ html: '<p>Hello</p>', title: 'Lunch' })).toEqual({ done: true });
    const cancelled = setup({ printed: false });
    expect(await cancelled.handlers.printDocument({ html: '<p>Hello</p>', title: 'Lunch' })).toEqual({ done: false });
    expect(cancelled.log).toEqual(['print dialog: <p>Hello</p>']);
  });

  it('saves the page as PDF where the user chose, named after the subject; nothing when cancelled', async () => {
    const t = setup();
    const saved = await t.handlers.saveDocumentAsPdf({ html: '<p>Hello</p>', title: 'Re: Lunch?' });
    expect(saved).toEqual({ done: true, path: join(t.saveDir, 'Re_ Lunch_.pdf') });
    expect(readFileSync(join(t.saveDir, 'Re_ Lunch_.pdf'), 'utf8')).toBe('%PDF-1.7 <p>Hello</p>');
    expect(t.log).toEqual(['save dialog: Save as PDF (Re_ Lunch_.pdf)']);
    expect(await setup({ savePath: null }).handlers.saveDocumentAsPdf({ html: '<p>x</p>', title: '' })).toEqual({ done: false });
  });
});

describe('importing through a dialog', () => {
  it('imports each chosen file into a Local Folders folder named after it', async () => {
    const t = setup({ importPaths: ['/mail/Inbox.mbox', '/mail/Sent'] });
    const outcome = await t.handlers.importMailWithDialog({ kind: 'files', accountId: 'local' });
    expect(outcome).toMatchObject({ done: true, results: [{ folderPath: 'Inbox', imported: 3 }, { folderPath: 'Sent' }] });
    expect(t.serviceCalls).toEqual([
      ['importMail', { path: '/mail/Inbox.mbox', accountId: 'local', folderPath: 'Inbox' }],
      ['importMail', { path: '/mail/Sent', accountId: 'local', folderPath: 'Sent' }],
    ]);
  });

  it('uses the folder the window named, and asks for a Maildir folder when told to', async () => {
    const t = setup({ importPaths: ['/home/me/Maildir'] });
    await t.handlers.importMailWithDialog({ kind: 'maildir', accountId: 'local', folderPath: 'Old' });
    expect(t.log).toEqual(['open dialog: maildir']);
    expect(t.serviceCalls).toEqual([['importMail', { path: '/home/me/Maildir', accountId: 'local', folderPath: 'Old' }]]);
  });

  it('does nothing when the dialog is cancelled', async () => {
    const t = setup({ importPaths: [] });
    expect(await t.handlers.importMailWithDialog({ kind: 'files', accountId: 'local' })).toEqual({ done: false });
    expect(t.serviceCalls).toEqual([]);
  });
});

describe('composer windows and the mailto: handler', () => {
  it('opens a composer window for what it is asked', async () => {
    const t = setup();
    await t.handlers.openComposer({ kind: 'response', messageId: 4, mode: 'reply-all' });
    expect(t.log).toEqual(['composer: {"kind":"response","messageId":4,"mode":"reply-all"}']);
  });

  it('becomes the mailto: handler only when asked, and says what the system now has', async () => {
    const t = setup();
    expect(await t.handlers.getMailHandler({})).toEqual({ supported: true, isDefault: false });
    expect(await t.handlers.setMailHandler({ enabled: true })).toEqual({ isDefault: true });
    expect(await t.handlers.getMailHandler({})).toEqual({ supported: true, isDefault: true });
    expect(await t.handlers.setMailHandler({ enabled: false })).toEqual({ isDefault: false });
  });

  it('refuses where the system does not let an app ask (INVALID_ARGUMENT, the system settings named)', async () => {
    const t = setup({ handlerSupported: false });
    expect(await t.handlers.getMailHandler({})).toEqual({ supported: false, isDefault: false });
    await expect(t.handlers.setMailHandler({ enabled: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/system settings/) });
  });
});

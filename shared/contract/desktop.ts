import * as z from 'zod';
import { actionNames } from './action-names';
import { event } from './define';
import { composeIntentSchema } from '../compose-intent';
import { type ImportResult, messageIdSchema } from './messages';

/**
 * What only the desktop app offers: methods the Electron shell serves itself (file dialogs, opening an
 * attachment with the system's viewer) and events the shell sends to the window (the application menu,
 * a clicked notification).
 *
 * The methods are kept out of `contract.methods` on purpose: MailService (served unchanged by IPC, the CLI
 * and the test bridge) has no windows or dialogs. The shell's IPC gate answers them; anywhere else a call
 * to one is an UNKNOWN_METHOD, and the renderer hides what needs them (`window.homing` is absent there).
 * Each one takes no filesystem path: the user picks the file in the shell's own dialog, so the renderer
 * never names a file to read or write (see `pathMethodNames` in shared/contract.ts).
 */

const attachmentRef = z.strictObject({ messageId: messageIdSchema, attachmentId: z.number().int().positive() });
const accountIdSchema = z.string().min(1).max(64);
const folderPathSchema = z.string().min(1).max(4096);
/**
 * A page to print: the renderer builds it from the message as the reader shows it (sanitised, with its
 * own CSP; renderer/mail/print-document.ts). Inline images are data: URLs, so it can be large.
 */
const printableSchema = z.strictObject({ html: z.string().min(1).max(64 * 1024 * 1024), title: z.string().max(1000) });

/** A desktop method: validator for its arguments and, as a type only, its result. */
export interface DesktopMethodSpec<A extends z.ZodType, R> {
  readonly args: A;
  readonly result?: R;
}
const desktop = <A extends z.ZodType>(args: A) => ({ returns: <R>(): DesktopMethodSpec<A, R> => ({ args }) });

/** `done: false` means the user closed the dialog (or declined) and nothing happened. */
export type DialogOutcome<T = object> = ({ done: true } & T) | { done: false };

export const desktopMethods = {
  /**
   * Opens an attachment with the system's default application, from a private temporary copy. Only
   * documents, pictures, audio and video are opened (an allow-list, electron/shell/attachment-open-policy.ts);
   * for any other type the shell asks whether to save it instead.
   */
  openAttachment: desktop(attachmentRef).returns<DialogOutcome>(),
  /** Save dialog, then writes the attachment where the user chose. */
  saveAttachment: desktop(attachmentRef).returns<DialogOutcome<{ path: string }>>(),
  /** Save dialog, then writes the message's exact RFC 822 source as .eml. */
  exportMessageWithDialog: desktop(z.strictObject({ id: messageIdSchema })).returns<DialogOutcome<{ path: string }>>(),
  /** Save dialog, then writes the folder as mbox. */
  exportFolderWithDialog: desktop(z.strictObject({ accountId: accountIdSchema, folderPath: folderPathSchema })).returns<
    DialogOutcome<{ path: string; exported: number }>
  >(),
  /**
   * Open dialog (mbox or .eml files, or a Maildir folder), then imports into `folderPath` of `accountId`
   * (default: Local Folders, a folder named after each file).
   */
  importMailWithDialog: desktop(
    z.strictObject({
      kind: z.enum(['files', 'maildir']).default('files'),
      accountId: accountIdSchema.default('local'),
      folderPath: folderPathSchema.optional(),
    }),
  ).returns<DialogOutcome<{ results: Array<{ path: string; folderPath: string } & ImportResult> }>>(),
  /**
   * Opens a composer window for a new message, an answer, a draft or a mailto: link (shared/compose-intent.ts).
   * In a plain browser the renderer opens the composer page in a new tab instead.
   */
  openComposer: desktop(composeIntentSchema).returns<void>(),
  /** Whether Homing is the system's handler for mailto: links, and whether this system lets an app ask to be. */
  getMailHandler: desktop(z.strictObject({})).returns<{ isDefault: boolean; supported: boolean }>(),
  /** Makes Homing the mailto: handler (or stops being it); only ever from the user's own choice in the settings. */
  setMailHandler: desktop(z.strictObject({ enabled: z.boolean() })).returns<{ isDefault: boolean }>(),
  /** The system's print dialog for a page (Electron's webContents.print), in a hidden window that runs no script. */
  printDocument: desktop(printableSchema).returns<DialogOutcome>(),
  /** Save dialog, then the page as PDF (webContents.printToPDF), in a hidden window that runs no script. */
  saveDocumentAsPdf: desktop(printableSchema).returns<DialogOutcome<{ path: string }>>(),
};

export const desktopEvents = {
  /** The user clicked a new-mail notification: show this message. */
  openMessageRequested: event(z.object({ messageId: messageIdSchema })),
  /** The user chose a menu item (or pressed its shortcut): run the window's action of that name. */
  menuActionRequested: event(z.object({ action: z.enum(actionNames) })),
};

type DesktopMethods = typeof desktopMethods;
export type DesktopMethodName = keyof DesktopMethods;
/** Arguments as a caller writes them. */
export type DesktopArgsInput<M extends DesktopMethodName> = z.input<DesktopMethods[M]['args']>;
/** Arguments after validation: what the shell's handler receives. */
export type DesktopArgs<M extends DesktopMethodName> = z.output<DesktopMethods[M]['args']>;
export type DesktopResult<M extends DesktopMethodName> = DesktopMethods[M] extends DesktopMethodSpec<z.ZodType, infer R> ? R : never;

/** The shell's side: validated arguments in, result out. */
export type DesktopHandlers = { [M in DesktopMethodName]: (args: DesktopArgs<M>) => Promise<DesktopResult<M>> };

export const desktopMethodNames = Object.keys(desktopMethods) as DesktopMethodName[];
export const isDesktopMethodName = (name: unknown): name is DesktopMethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(desktopMethods, name);

import type { MailService } from '../shared/contract';
import { type DesktopHandlers, desktopMethods, isDesktopMethodName } from '../shared/contract/desktop';
import { dispatch } from '../shared/dispatch';
import { type Envelope, HomingError, toErrorData } from '../shared/errors';

/** Who sent an IPC message, as Electron reports it (kept free of Electron types so it can be unit-tested). */
export interface IpcSender {
  /** URL of the frame that sent the message. */
  frameUrl: string;
  /** Whether that frame is the top frame of its page (mail is shown in sub-frames, which may never call). */
  isMainFrame: boolean;
  /** The webContents the message came from. */
  webContentsId: number;
}

export const APP_ORIGIN = 'app://homing';

/**
 * The one gatekeeper for renderer calls: the sender must be our window's main frame on our own origin,
 * the method must be in the contract (and not one that names files or sets a password command) or one of
 * the shell's desktop methods, and the arguments must validate.
 */
export function createIpcGate(service: MailService, isOurWindow: (webContentsId: number) => boolean, desktop?: DesktopHandlers) {
  return async (sender: IpcSender, payload: unknown): Promise<Envelope<unknown>> => {
    if (!isOurWindow(sender.webContentsId) || !sender.isMainFrame || !isAppUrl(sender.frameUrl)) {
      return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'This page may not talk to Homing.' } };
    }
    const { method, args } = (typeof payload === 'object' && payload !== null ? payload : {}) as { method?: unknown; args?: unknown };
    if (desktop && isDesktopMethodName(method)) return dispatchDesktop(desktop, method, args);
    // dispatch refuses what only the command line may do: the methods that name files (pathMethodNames;
    // the shell offers them through its own file dialogs, shared/contract/desktop.ts) and setting a
    // password command.
    return dispatch(service, method, args);
  };
}

async function dispatchDesktop(desktop: DesktopHandlers, method: keyof DesktopHandlers, args: unknown): Promise<Envelope<unknown>> {
  try {
    const parsed = desktopMethods[method].args.safeParse(args ?? {});
    if (!parsed.success) {
      throw new HomingError('INVALID_ARGUMENT', `Invalid arguments for ${method}`, {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    }
    const call = desktop[method] as (a: unknown) => Promise<unknown>;
    return { ok: true, value: await call.call(desktop, parsed.data) };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}

export function isAppUrl(url: string): boolean {
  return url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
}

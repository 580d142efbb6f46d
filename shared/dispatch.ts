import { contract, isMethodName, type MailService, type MethodName, pathMethodNames } from './contract';
import { type Envelope, HomingError, toErrorData } from './errors';

export interface DispatchOptions {
  /**
   * Serve the methods that name files on this computer (`pathMethodNames`: import, export). Only the
   * CLI, whose user typed the paths, and a test bridge started for it say yes; a page (the window, a
   * browser on the bridge) must never choose which file is read or overwritten.
   */
  allowPathMethods?: boolean;
  /**
   * Let the caller set a new password command (a program Homing runs with the user's rights). Only the
   * command line says yes; a window or a page on the bridge may keep the command an account already has.
   */
  allowPasswordCommands?: boolean;
}

/**
 * The gate every call passes on the trusted side, whatever carried it (IPC, the test bridge, the CLI):
 * refuse unknown methods (and path methods unless allowed), validate the arguments against the
 * contract, run the method, and turn any failure into coded error data (a thrown Error would lose its
 * code crossing IPC).
 */
export async function dispatch(service: MailService, method: unknown, args: unknown, options: DispatchOptions = {}): Promise<Envelope<unknown>> {
  try {
    const name = checkMethod(method);
    if (pathMethodNames.has(name) && !options.allowPathMethods) {
      throw new HomingError('FORBIDDEN_SENDER', `${name} names files on this computer and is not available here; use the app's menu or the homing command.`);
    }
    if (!options.allowPasswordCommands && (await setsNewPasswordCommand(service, name, args))) {
      throw new HomingError('FORBIDDEN_SENDER', 'A password command can only be set from the command line: homing account edit ID --password-command …');
    }
    const given = options.allowPasswordCommands ? args : withoutKeptPasswordCommand(name, args);
    const parsed = contract.methods[name].args.safeParse(given ?? {});
    if (!parsed.success) {
      throw new HomingError('INVALID_ARGUMENT', `Invalid arguments for ${name}`, {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    }
    const call = service[name] as (a: unknown) => Promise<unknown>;
    const value = await call.call(service, parsed.data);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}

export function checkMethod(method: unknown): MethodName {
  if (!isMethodName(method)) {
    throw new HomingError('UNKNOWN_METHOD', `Unknown method: ${typeof method === 'string' ? method.slice(0, 80) : typeof method}`);
  }
  return method;
}

/**
 * A password command is a program Homing runs with the user's rights: only the command line may choose
 * one (`homing account edit ID --password-command …`). A window may keep the command an account already
 * has (saving its other settings), never set a new one.
 */
async function setsNewPasswordCommand(service: MailService, method: MethodName, args: unknown): Promise<boolean> {
  if (method !== 'addAccount' && method !== 'updateAccount') return false;
  const a = (typeof args === 'object' && args !== null ? args : {}) as { id?: unknown; settings?: unknown; patch?: { settings?: unknown } };
  const settings = (method === 'addAccount' ? a.settings : a.patch?.settings) as { passwordSource?: { kind?: unknown; command?: unknown } } | undefined;
  const source = settings?.passwordSource;
  if (source?.kind !== 'command') return false;
  if (method === 'addAccount') return true;
  const current = (await service.listAccounts({})).find((account) => account.id === a.id)?.settings.passwordSource;
  return !(current?.kind === 'command' && current.command === source.command);
}

/**
 * A window saving an account's settings sends its password command back unchanged: that keeps the
 * command, and is not the user giving it again, which the writer takes as the password typed again for
 * new server settings (stored-password-scope.ts). Left out of the patch, it keeps the command just the
 * same, and a change of server from a window or a page needs the password typed, as for the keychain.
 */
function withoutKeptPasswordCommand(method: MethodName, args: unknown): unknown {
  if (method !== 'updateAccount' || typeof args !== 'object' || args === null) return args;
  const a = args as { patch?: { settings?: { passwordSource?: { kind?: unknown } } } };
  const settings = a.patch?.settings;
  if (typeof settings !== 'object' || settings === null || settings.passwordSource?.kind !== 'command') return args;
  const { passwordSource: _kept, ...rest } = settings;
  return { ...a, patch: { ...a.patch, settings: rest } };
}

import { spawn } from 'node:child_process';
import { HomingError } from '../../shared/errors';
import { splitCommandLine } from './command-line';
import { accountLimits } from './limits';

export interface PasswordCommandOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a password command as mbsync's PassCmd does, but without a shell (command-line.ts says how the line
 * is split): the first line of its standard output is the password. A command that exits non-zero,
 * prints nothing, cannot be started or runs past the timeout gives PASSWORD_COMMAND_FAILED with its exit
 * status or the timeout, never a hang. On POSIX it runs in a process group of its own, so a timeout ends
 * whatever it started too (a pinentry, a `sleep` holding its output open).
 */
export function runPasswordCommand(commandLine: string, options: PasswordCommandOptions = {}): Promise<string> {
  const [program, ...args] = splitCommandLine(commandLine);
  const timeoutMs = options.timeoutMs ?? passwordCommandTimeout(options.env ?? process.env);
  const posix = process.platform !== 'win32';
  return new Promise<string>((resolve, reject) => {
    const child = spawn(program!, args, {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      detached: posix,
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    let tooLong = false;
    let timedOut = false;
    let settled = false;
    const killAll = () => {
      try {
        if (posix && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, timeoutMs);
    const fail = (message: string, detail: Record<string, unknown>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new HomingError('PASSWORD_COMMAND_FAILED', message, { program, ...detail }));
    };
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (stdout.length > accountLimits.passwordCommandMaxBytes) {
        tooLong = true;
        killAll();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < 4096) stderr += text;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      fail(`The password command ${program} could not be started (${error.code ?? error.message}).`, { errno: error.code ?? null });
    });
    // 'close', not 'exit': the output is complete only once the pipes are closed.
    child.once('close', (code, signal) => {
      const password = (stdout.split('\n')[0] ?? '').replace(/\r$/, '');
      const said = lastLine(stderr, password);
      const tail = said ? `: ${said}` : '';
      if (timedOut) return fail(`The password command ${program} did not finish within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`} and was stopped.`, { timeoutMs });
      if (tooLong) return fail(`The password command ${program} printed more than a password (over ${accountLimits.passwordCommandMaxBytes} bytes).`, {});
      if (code !== 0) {
        const how = code === null ? `was ended by ${signal}` : `exited with status ${code}`;
        return fail(`The password command ${program} ${how}${tail}`, { exitCode: code, signal });
      }
      if (!password) return fail(`The password command ${program} printed no password on the first line of its output${tail}`, { exitCode: 0 });
      settled = true;
      clearTimeout(timer);
      resolve(password);
    });
  });
}

/** The command's last line of complaint, for the error message; never one that holds the password. */
function lastLine(stderr: string, password: string): string {
  const line = stderr.trim().split('\n').pop()?.trim().slice(0, 200) ?? '';
  if (!line || (password.length > 0 && line.includes(password))) return '';
  return line;
}

/** The limit, or `HOMING_PASSWORD_COMMAND_TIMEOUT_MS` (tests of a hanging command need not wait a minute). */
function passwordCommandTimeout(env: NodeJS.ProcessEnv): number {
  const fromEnv = Number(env.HOMING_PASSWORD_COMMAND_TIMEOUT_MS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : accountLimits.passwordCommandTimeoutMs;
}

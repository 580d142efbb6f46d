import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/** Logins Dovecot has logged for `user` so far (`imap-login: Login: user=<…>` or `pop3-login: …`). */
export function dovecotLogins(serverDir: string, user: string): number {
  try {
    return readFileSync(join(serverDir, 'dovecot.log'), 'utf8').split(`Login: user=<${user}>`).length - 1;
  } catch {
    return 0;
  }
}

export interface KilledRun {
  /** True when SIGKILL ended it (false: it exited by itself first). */
  killed: boolean;
  exitCode: number | null;
  /** ms from spawn to the server's login line, if seen. */
  login: number | null;
  /** ms from spawn to the kill or the exit. */
  ended: number;
  stderr: string;
}

/**
 * Runs the built `homing` CLI as a child process and SIGKILLs it when `killNow(elapsed, login)` says so
 * (polled every 5 ms; `login` is when Dovecot logged this run's login), unless it exits first. The
 * worker thread dies with its process, as in a crash or a power cut of the app.
 */
export async function runCliUntilKilled(
  args: string[],
  options: { serverDir: string; user: string; killNow: (elapsed: number, login: number | null) => boolean },
): Promise<KilledRun> {
  const bin = join(inject('buildDir'), 'node', 'homing.cjs');
  const loginsBefore = dovecotLogins(options.serverDir, options.user);
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let exitCode: number | null | undefined;
  const done = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  let login: number | null = null;
  for (;;) {
    const elapsed = performance.now() - started;
    if (exitCode !== undefined) return { killed: false, exitCode, login, ended: elapsed, stderr };
    if (login === null && dovecotLogins(options.serverDir, options.user) > loginsBefore) login = elapsed;
    if (options.killNow(elapsed, login)) {
      child.kill('SIGKILL');
      await done;
      return { killed: exitCode === null, exitCode: exitCode ?? null, login, ended: elapsed, stderr };
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface DevWeb {
  /** The app's URL with the bridge token in its fragment. */
  url: string;
  /** The process id (the writer lock's owner). */
  pid: number;
  stop(): Promise<void>;
  /** SIGKILL, as a crash or a power cut would: nothing is cleaned up. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** What it printed on stderr so far. */
  stderr(): string;
}

/** How long a clean shutdown may take before the process is killed. */
const STOP_GRACE_MS = 20_000;

export interface DevWebOptions {
  /**
   * Serve the methods that take a file path (import, export) over the bridge, which it refuses by
   * default as Electron's IPC gate does: only for a test that drives them through the bridge.
   */
  allowPathMethods?: boolean;
}

/** Starts the built `dev-web` (real backend + bridge + built renderer) on a data directory, as `npm run dev:web` does. */
export async function startDevWeb(dataDir: string, env: NodeJS.ProcessEnv = {}, options: DevWebOptions = {}): Promise<DevWeb> {
  const entry = join(inject('buildDir'), 'node', 'dev-web.cjs');
  const args = [entry, '--data-dir', dataDir, ...(options.allowPathMethods ? ['--allow-path-methods'] : [])];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /homing dev-web: (\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`dev-web exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`dev-web did not start: ${stderr}`)), 30_000).unref();
  });
  return {
    url,
    pid: child.pid!,
    stderr: () => stderr,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        // A clean shutdown closes the bridge, then the worker (which ends its connections). If that hangs,
        // say so and end it: a test run must not wait forever on a stuck server connection.
        const kill = setTimeout(() => {
          process.stderr.write(`dev-web did not exit within ${STOP_GRACE_MS} ms of SIGTERM; killing it. ${stderr.slice(-2000)}\n`);
          child.kill('SIGKILL');
        }, STOP_GRACE_MS);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

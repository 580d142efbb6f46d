import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface DevWeb {
  /** The app's URL with the bridge token in its fragment. */
  url: string;
  stop(): Promise<void>;
}

/** Starts the built `dev-web` (real backend + bridge + built renderer) on a data directory, as `npm run dev:web` does. */
export async function startDevWeb(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<DevWeb> {
  const entry = join(inject('buildDir'), 'node', 'dev-web.cjs');
  const child: ChildProcess = spawn(process.execPath, [entry, '--data-dir', dataDir], {
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
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

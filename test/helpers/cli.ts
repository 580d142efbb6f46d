import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `homing` CLI as a user would (a separate process), never throwing on a non-zero exit. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  const bin = join(inject('buildDir'), 'node', 'homing.cjs');
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, ...options.env }, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export const workerPath = () => join(inject('buildDir'), 'node', 'worker.cjs');

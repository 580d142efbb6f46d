/**
 * A whole process timed the way the benches time one (imap, idle, pop3, rules, send): under GNU
 * /usr/bin/time, whose last stderr line gives its peak RSS and CPU; wall time is measured here.
 */
import { spawn } from 'node:child_process';

export interface TimedRun {
  wallS: number;
  peakRssMb: number;
  /** User + system CPU seconds of the process (and its threads): comparable even on a busy machine. */
  cpuS: number;
  firstScreenS?: number;
}

export interface TimedOptions {
  /** The working directory of the process (default: this one's). */
  cwd?: string;
  /** Called as the process starts; what it returns is called at its exit and gives firstScreenS. */
  onStart?: (startedAt: number) => () => number | undefined;
  /** Called once the command runs, with the pid of /usr/bin/time (the measured process is its child). */
  onSpawn?: (timePid: number) => void;
}

/** Runs a command under /usr/bin/time; returns wall seconds, peak RSS and CPU seconds. */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, { cwd, onStart, onSpawn }: TimedOptions = {}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const stop = onStart?.(started);
    const child = spawn('/usr/bin/time', ['-f', '%e %M %U %S', command, ...args], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    child.on('exit', (code) => {
      const firstScreen = stop?.();
      const last = stderr.trim().split('\n').pop() ?? '';
      const [, kb, user, sys] = last.split(' ');
      if (code !== 0) return reject(new Error(`${command} exited with ${code}: ${stderr.slice(-2000)}`));
      resolve({
        wallS: (performance.now() - started) / 1000,
        peakRssMb: Number(kb) / 1024,
        cpuS: Number(user) + Number(sys),
        ...(firstScreen !== undefined ? { firstScreenS: firstScreen } : {}),
      });
    });
    child.on('error', reject);
  });
}

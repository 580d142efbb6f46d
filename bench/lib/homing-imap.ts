/**
 * Running the built `homing` CLI against a private Dovecot the way the IMAP benches do (bench/imap.ts,
 * bench/idle.ts; the timed child process is bench/lib/timed.ts): the account added with a pinned certificate,
 * and `homing sync --watch` (the service and its sync worker in one process, as the app runs them) started
 * until it watches INBOX, with its resident set read from /proc.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { DovecotServer } from '../../test/servers/dovecot';

/** The bench user's password travels in this environment variable, never on a command line. */
export const IMAP_PASSWORD_ENV = 'BENCH_IMAP_PASSWORD';

/** `homing account add` for Dovecot's alice over IMAPS, certificate pinned, password in a 0600 file. */
export function addImapAccount(homing: string, dataDir: string, server: DovecotServer, env: NodeJS.ProcessEnv): void {
  execFileSync(
    process.execPath,
    [
      homing,
      '--data-dir',
      dataDir,
      'account',
      'add',
      '--email',
      'alice@example.org',
      '--protocol',
      'imap',
      '--host',
      '127.0.0.1',
      '--port',
      String(server.ports.imaps),
      '--security',
      'tls',
      '--username',
      'alice',
      '--password-env',
      IMAP_PASSWORD_ENV,
      // A plain 0600 file, as the peers' rc files: this machine may have no keychain, and the bench measures sync.
      '--insecure-store-in-file',
      '--trust-fingerprint',
      server.certificate.fingerprint256,
    ],
    { env },
  );
}

/** Resident memory of a running process (every thread), from /proc/PID/status, in MB. */
export interface ProcessMemory {
  /** VmRSS: resident now. */
  rssMb: number;
  /** VmHWM: the peak resident set so far. */
  peakMb: number;
  /** RssAnon: heaps, buffers, SQLite's caches (what a leak grows). */
  anonMb: number;
  /** RssFile: mapped files (the node binary's code, native modules). */
  fileMb: number;
}

export function memoryOf(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return { rssMb: field('VmRSS'), peakMb: field('VmHWM'), anonMb: field('RssAnon'), fileMb: field('RssFile') };
}

export interface Watcher {
  child: ChildProcess;
  /** Stops the service with SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `homing sync --watch` on `dataDir` and resolves once its pass is over and it watches (the CLI's
 * `progress … watching` line), so what is measured next is the idle service.
 */
export async function startWatching(homing: string, dataDir: string, env: NodeJS.ProcessEnv): Promise<Watcher> {
  const child = spawn(process.execPath, [homing, '--data-dir', dataDir, 'sync', '--watch', '--progress'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        // Keep reading (a full pipe would block the service), but only the tail matters.
        text = (text + chunk).slice(-8000);
        if (/^progress \S+ watching /m.test(text)) resolve();
      });
      void exited.then((code) => reject(new Error(`homing sync --watch exited with ${code} before watching: ${text.slice(-2000)}`)));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, stop };
}

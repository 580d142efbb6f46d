import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { DovecotServer } from '../servers/dovecot';

/** Children of `pid`, from /proc (no ps needed). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return children;
}

const refuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

/**
 * Dovecot dies at once, as in a crash or an OOM kill: SIGKILL to the master and every process it started
 * (each by its id), so open sessions drop mid-command. A graceful stop (`server.stop()`) lets running
 * sessions finish first, which is kinder than what a sync must survive. `server.start()` brings it back.
 */
export async function crashDovecot(server: DovecotServer): Promise<void> {
  const master = Number(readFileSync(join(server.dir, 'run', 'master.pid'), 'utf8').trim());
  if (!(master > 0)) throw new Error('Dovecot has no master pid');
  // Frozen first, so it starts no new child between the listing and the kill.
  process.kill(master, 'SIGSTOP');
  for (const child of childrenOf(master)) {
    try {
      process.kill(child, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  process.kill(master, 'SIGKILL');
  // The daemonised master's parent is init, which may leave it a zombie for a while: Dovecot would take the
  // pid file for a running master and refuse to start. A dead master's pid file is stale anyway.
  rmSync(join(server.dir, 'run', 'master.pid'), { force: true });
  const deadline = Date.now() + 15_000;
  for (const port of Object.values(server.ports)) {
    while (!(await refuses(port))) {
      if (Date.now() > deadline) throw new Error(`Dovecot port ${port} still open after the crash`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

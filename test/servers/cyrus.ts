import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeCertificate } from './certificate';
import type { TestUser } from './dovecot';
import { freePorts } from './free-port';
import { appendOverImap, baseInstalled, type MailServer, type MailServerPorts, readLog, serverPackagesRoot, waitForPorts } from './mail-server';

const run = promisify(execFile);

/** From cyrus-common (installed by .ci/run; it does not conflict with Dovecot, unlike cyrus-imapd). */
const MASTER = '/usr/lib/cyrus/bin/master';
const CTL_CYRUSDB = '/usr/lib/cyrus/bin/ctl_cyrusdb';
const SASLPASSWD = '/usr/sbin/saslpasswd2';

export function cyrusAvailable(): boolean {
  return baseInstalled([MASTER, CTL_CYRUSDB, SASLPASSWD]) && process.getuid?.() === 0;
}

export interface CyrusOptions {
  users?: TestUser[];
}

/**
 * A private Cyrus IMAP 3.6 on 127.0.0.1: IMAP (STARTTLS; LOGINDISABLED before it), IMAPS, POP3, POP3S,
 * users in a private sasldb. The imapd/pop3d binaries come from the unpacked cyrus-imapd/cyrus-pop3d
 * packages (get-server-packages.sh); master and the tools from cyrus-common. Needs root: master drops to
 * the `cyrus` user, which must own the spool. Facts the harness relies on (test/servers/README.md): every `cmd=` needs its own `-C`
 * (children do not inherit the master's), `proc_path` must be set (the compiled /run/cyrus/proc is not
 * there), `autocreate_quota: 0` makes INBOX and the special folders at first login.
 */
export async function startCyrus(options: CyrusOptions = {}): Promise<MailServer> {
  if (!cyrusAvailable()) {
    throw new Error('Cyrus cannot run here: needs root and apt-get install --no-install-recommends cyrus-common sasl2-bin (.ci/install-system-packages).');
  }
  const bin = join(await serverPackagesRoot(), 'usr', 'lib', 'cyrus', 'bin');
  const users = options.users ?? [{ name: 'alice', password: 'alice-secret' }];
  const dir = await mkdtemp(join(tmpdir(), 'homing-cyrus-'));
  await chmod(dir, 0o755);
  for (const sub of ['lib', 'spool', 'proc', 'socket', 'lock', 'ssl']) await mkdir(join(dir, sub), { recursive: true });
  const certificate = await makeCertificate(join(dir, 'ssl'));
  const [imapPort, imapsPort, pop3Port, pop3sPort] = (await freePorts(4)) as [number, number, number, number];
  const ports: MailServerPorts = { imap: imapPort, imaps: imapsPort, pop3: pop3Port, pop3s: pop3sPort };
  const conf = join(dir, 'imapd.conf');
  await writeFile(
    conf,
    `# A private Cyrus for Homing's interop tests (test/servers/cyrus.ts).
configdirectory: ${dir}/lib
partition-default: ${dir}/spool
proc_path: ${dir}/proc
mboxname_lockpath: ${dir}/lock
lmtpsocket: ${dir}/socket/lmtp
idlesocket: ${dir}/socket/idle
notifysocket: ${dir}/socket/notify
servername: localhost
admins: cyrus
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: ${dir}/sasldb2
sasl_mech_list: PLAIN LOGIN
tls_server_cert: ${certificate.certPath}
tls_server_key: ${certificate.keyPath}
# Folders as on Dovecot: top level beside INBOX, "/" between levels.
unixhierarchysep: yes
altnamespace: yes
autocreate_quota: 0
autocreate_inbox_folders: Drafts | Sent | Trash | Junk | Archive
autocreate_subscribe_folders: Drafts | Sent | Trash | Junk | Archive
xlist-drafts: Drafts
xlist-sent: Sent
xlist-trash: Trash
xlist-junk: Junk
xlist-archive: Archive
# Keep 8-bit header bytes as they are (the default munges them to "X"): Homing stores bytes exactly.
munge8bit: no
reject8bit: no
`,
  );
  const cyrusConf = join(dir, 'cyrus.conf');
  const cmd = (program: string, args = '') => `${join(bin, program)} ${args}-C ${conf}`;
  await writeFile(
    cyrusConf,
    `START {
  recover cmd="${CTL_CYRUSDB} -r -C ${conf}"
}
SERVICES {
  imap cmd="${cmd('imapd')}" listen="127.0.0.1:${ports.imap}" prefork=0
  imaps cmd="${cmd('imapd', '-s ')}" listen="127.0.0.1:${ports.imaps}" prefork=0
  pop3 cmd="${cmd('pop3d')}" listen="127.0.0.1:${ports.pop3}" prefork=0
  pop3s cmd="${cmd('pop3d', '-s ')}" listen="127.0.0.1:${ports.pop3s}" prefork=0
}
EVENTS {
}
DAEMON {
}
`,
  );
  for (const u of users) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(SASLPASSWD, ['-p', '-c', '-f', join(dir, 'sasldb2'), '-u', 'localhost', u.name], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`saslpasswd2 failed: ${err}`))));
      child.stdin.end(u.password);
    });
  }
  // master runs as root only to bind and then drops to `cyrus`, which must own the whole tree.
  await run('chown', ['-R', 'cyrus:mail', dir]);

  const pidFile = join(dir, 'master.pid');
  const log = () => readLog(join(dir, 'master.out'));
  const server: MailServer = {
    kind: 'cyrus',
    host: '127.0.0.1',
    ports,
    users,
    certificate,
    namespace: { prefix: '', delimiter: '/' },
    append: (user, folder, items) => appendOverImap(server, user, folder, items),
    async start() {
      // Output to a file: the daemonised master keeps the caller's stdout (as Dovecot's does, test/servers/README.md).
      const out = openSync(join(dir, 'master.out'), 'a');
      try {
        const child = spawn(MASTER, ['-C', conf, '-M', cyrusConf, '-p', pidFile, '-d'], { stdio: ['ignore', out, out] });
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        if (code !== 0) throw new Error(`cyrus master exited with ${code}: ${await log()}`);
      } finally {
        closeSync(out);
      }
      await waitForPorts(Object.values(ports), true, 'Cyrus', log);
    },
    async stop() {
      if (!existsSync(pidFile)) return;
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      // SIGTERM: master stops listening and signals its children (open sessions end too, as in an outage).
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        await waitForExit(pid);
      }
      await rm(pidFile, { force: true });
      await waitForPorts(Object.values(ports), false, 'Cyrus', log);
    },
    async destroy() {
      await server.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
    log,
  };
  await server.start();
  return server;
}

async function waitForExit(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

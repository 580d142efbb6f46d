import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeCertificate } from './certificate';
import type { TestUser } from './dovecot';
import { freePorts } from './free-port';
import { appendOverImap, baseInstalled, type MailServer, type MailServerPorts, readLog, serverPackagesRoot, waitForPorts } from './mail-server';

const run = promisify(execFile);

/** From courier-base, courier-authdaemon and courier-authlib-userdb (installed by .ci/run; no conflict with Dovecot). */
const AUTHDAEMOND = '/usr/lib/courier/courier-authlib/authdaemond';
const COURIERTCPD = '/usr/sbin/couriertcpd';
const COURIERTLS = '/usr/bin/couriertls';
const MAKEUSERDB = '/usr/sbin/makeuserdb';
const USERDBPW = '/usr/sbin/userdbpw';
const MAILDIRMAKE = '/usr/bin/maildirmake.courier';
/** Made by courier-base's postinst; a fresh one takes a minute, so the installed one is copied. */
const SYSTEM_DHPARAMS = '/etc/courier/dhparams.pem';
/** Mail belongs to nobody: Courier's imapd, started as root, switches to the uid userdb names. */
const MAIL_UID = 65534;

export function courierAvailable(): boolean {
  return baseInstalled([AUTHDAEMOND, COURIERTCPD, COURIERTLS, MAKEUSERDB, USERDBPW, MAILDIRMAKE, '/usr/bin/unshare']) && process.getuid?.() === 0;
}

export interface CourierOptions {
  users?: TestUser[];
}

/**
 * A private Courier-IMAP 5.0 / Courier POP3 on 127.0.0.1: IMAP (STARTTLS), IMAPS, POP3 (STLS), POP3S,
 * Maildir storage, users in a private userdb. Courier's auth library has compiled-in paths
 * (/etc/courier/authdaemonrc, /etc/courier/userdb.dat, /run/courier/authdaemon/socket): the whole server
 * runs in a private mount namespace (`unshare --mount --propagation private`) where those two folders
 * are bind mounts of private ones, so nothing of the system's Courier setup is read or changed.
 * Namespace "INBOX." with "." between levels; no CONDSTORE, QRESYNC, MOVE or SPECIAL-USE.
 */
export async function startCourier(options: CourierOptions = {}): Promise<MailServer> {
  if (!courierAvailable()) {
    throw new Error(
      'Courier cannot run here: needs root, unshare and apt-get install --no-install-recommends courier-base courier-authdaemon courier-authlib-userdb (.ci/run).',
    );
  }
  const root = await serverPackagesRoot();
  const users = options.users ?? [{ name: 'alice', password: 'alice-secret' }];
  const dir = await mkdtemp(join(tmpdir(), 'homing-courier-'));
  await chmod(dir, 0o755);
  for (const sub of ['etc', 'run/authdaemon', 'mail']) await mkdir(join(dir, sub), { recursive: true, mode: 0o755 });
  const certificate = await makeCertificate(dir);
  // couriertls wants key and certificate in one file. World-readable (a throwaway test key): for STARTTLS
  // / STLS the login process runs couriertls after dropping root, and a 0600 file fails the handshake.
  const pem = join(dir, 'etc', 'server.pem');
  const { readFile } = await import('node:fs/promises');
  await writeFile(pem, (await readFile(certificate.keyPath, 'utf8')) + (await readFile(certificate.certPath, 'utf8')), { mode: 0o644 });
  const dhparams = join(dir, 'etc', 'dhparams.pem');
  if (existsSync(SYSTEM_DHPARAMS)) {
    await copyFile(SYSTEM_DHPARAMS, dhparams);
    await chmod(dhparams, 0o644);
  }
  const [imapPort, imapsPort, pop3Port, pop3sPort] = (await freePorts(4)) as [number, number, number, number];
  const ports: MailServerPorts = { imap: imapPort, imaps: imapsPort, pop3: pop3Port, pop3s: pop3sPort };

  await writeFile(join(dir, 'etc', 'authdaemonrc'), 'authmodulelist="authuserdb"\ndaemons=2\nauthdaemonvar=/run/courier/authdaemon\nDEBUG_LOGIN=0\nDEFAULTOPTIONS=""\n');
  const lines: string[] = [];
  for (const u of users) {
    const home = join(dir, 'mail', u.name);
    await mkdir(home, { recursive: true });
    await run(MAILDIRMAKE, [join(home, 'Maildir')]);
    const hash = await new Promise<string>((resolve, reject) => {
      const child = execFile(USERDBPW, ['-md5'], (error, stdout) => (error ? reject(error) : resolve(stdout.trim().split('\n').pop()!)));
      child.stdin!.end(u.password);
    });
    lines.push(`${u.name}\tuid=${MAIL_UID}|gid=${MAIL_UID}|home=${home}|mail=${home}/Maildir|systempw=${hash}`);
  }
  await writeFile(join(dir, 'etc', 'userdb'), lines.join('\n') + '\n', { mode: 0o600 });
  await run('chown', ['-R', `${MAIL_UID}:${MAIL_UID}`, join(dir, 'mail')]);

  // The environment imaplogin/imapd and courierpop3login/courierpop3d read (Debian's /etc/courier/imapd,
  // imapd-ssl, pop3d, pop3d-ssl, reduced to what matters here).
  const env: Record<string, string> = {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    IMAP_CAPABILITY: 'IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE',
    IMAP_CAPABILITY_TLS: 'IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE AUTH=PLAIN',
    IMAP_KEYWORDS: '1',
    IMAP_ACL: '1',
    IMAP_IDLE_TIMEOUT: '60',
    IMAP_MAILBOX_SANITY_CHECK: '1',
    IMAP_TRASHFOLDERNAME: 'Trash',
    // Debian's default empties Trash of week-old mail at every login: the corpus's dates are older.
    IMAP_EMPTYTRASH: '',
    IMAP_MOVE_EXPUNGE_TO_TRASH: '0',
    IMAP_USELOCKS: '1',
    IMAP_UMASK: '022',
    IMAP_SHAREDINDEXFILE: join(dir, 'etc', 'shared-index'),
    IMAP_ENHANCEDIDLE: '0',
    IMAP_STARTTLS: 'YES',
    IMAP_TLS_REQUIRED: '0',
    POP3AUTH: '',
    POP3AUTH_TLS: 'LOGIN PLAIN',
    POP3_STARTTLS: 'YES',
    POP3_TLS_REQUIRED: '0',
    COURIERTLS,
    TLS_CERTFILE: pem,
    TLS_DHPARAMS: dhparams,
    TLS_VERIFYPEER: 'NONE',
    TLS_CACHEFILE: '',
    MAILDIRPATH: 'Maildir',
  };
  const pkg = (p: string) => join(root, p);
  const imapCommand = [pkg('usr/lib/courier/courier/imaplogin'), pkg('usr/bin/imapd'), 'Maildir'];
  const pop3Command = [pkg('usr/lib/courier/courier/courierpop3login'), pkg('usr/lib/courier/courier/courierpop3d'), 'Maildir'];
  const tcpd = (port: number) => `${COURIERTCPD} -nodnslookup -noidentlookup -maxprocs=40 -maxperip=40 -address=127.0.0.1 ${port}`;
  const script = `set -e
# Inside a private mount namespace: these bind mounts are seen by this server's processes only.
mkdir -p /etc/courier /run/courier
mount --bind ${dir}/etc /etc/courier
mount --bind ${dir}/run /run/courier
makeuserdb
${AUTHDAEMOND} &
${tcpd(ports.imap)} ${imapCommand.join(' ')} &
IMAP_TLS=1 ${tcpd(ports.imaps)} ${COURIERTLS} -server -tcpd ${imapCommand.join(' ')} &
${tcpd(ports.pop3)} ${pop3Command.join(' ')} &
POP3_TLS=1 ${tcpd(ports.pop3s)} ${COURIERTLS} -server -tcpd ${pop3Command.join(' ')} &
# This shell is the namespace's first process: when it ends, the kernel ends every process in it. It
# ends when the test process is gone (/proc is still the host's), so a crashed test leaves no server.
while [ -d /proc/${process.pid} ]; do sleep 1; done
`;
  await writeFile(join(dir, 'run.sh'), script);

  let child: ChildProcess | null = null;
  const log = () => readLog(join(dir, 'courier.log'));
  const server: MailServer = {
    kind: 'courier',
    host: '127.0.0.1',
    ports,
    users,
    certificate,
    namespace: { prefix: 'INBOX.', delimiter: '.' },
    append: (user, folder, items) => appendOverImap(server, user, folder, items),
    async start() {
      const out = openSync(join(dir, 'courier.log'), 'a');
      try {
        // A private PID namespace too: couriertcpd puts itself in a session of its own, out of reach of a
        // process-group signal. With --kill-child, ending unshare kills the namespace's first process, and
        // the kernel then ends every process in it: each daemon and each open session, nothing else.
        child = spawn('/usr/bin/unshare', ['--mount', '--pid', '--fork', '--kill-child', '--propagation', 'private', '/bin/sh', join(dir, 'run.sh')], {
          stdio: ['ignore', out, out],
          env,
        });
      } finally {
        closeSync(out);
      }
      const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`courier exited with ${code}`))));
      exited.catch(() => undefined);
      await Promise.race([waitForPorts(Object.values(ports), true, 'Courier', log), exited]).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await log()}`);
      });
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const gone = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await gone;
      await waitForPorts(Object.values(ports), false, 'Courier', log);
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

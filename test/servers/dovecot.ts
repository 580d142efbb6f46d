import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeCertificate, type TestCertificate } from './certificate';
import { freePorts } from './free-port';
import { readLog, waitForPorts } from './mail-server';

const run = promisify(execFile);

export interface TestUser {
  name: string;
  password: string;
}

export interface DovecotOptions {
  users?: TestUser[];
  /** Names on the server certificate (default: localhost and 127.0.0.1). */
  certificateNames?: string[];
  /** Allow LOGIN/USER+PASS over unencrypted connections (Dovecot's disable_plaintext_auth = no). */
  allowPlaintext?: boolean;
  /** Extra lines appended to dovecot.conf. */
  extraConfig?: string;
  /**
   * Store the passwords hashed (SHA512-CRYPT), as cPanel and most hosts do, instead of {PLAIN}: APOP and
   * CRAM-MD5, which need the plaintext on the server, then fail for every user.
   */
  hashedPasswords?: boolean;
  /** Leave out the special-use folders (Drafts, Sent, Trash, Junk, Archive): a server that has none. */
  noSpecialFolders?: boolean;
}

export interface DovecotPorts {
  imap: number;
  imaps: number;
  pop3: number;
  pop3s: number;
}

export interface MessageOptions {
  /** IMAP folder path with `/` as separator; default INBOX. */
  folder?: string;
  /** Maildir flags as IMAP names: `\Seen`, `\Flagged`, `\Answered`, `\Draft`, `\Deleted`. */
  flags?: string[];
  /** Becomes the INTERNALDATE (the file's mtime). */
  internalDate?: Date;
}

/** A private Dovecot on 127.0.0.1: IMAP (STARTTLS), IMAPS, POP3 (STLS), POP3S, Maildir storage. */
export interface DovecotServer {
  readonly host: '127.0.0.1';
  readonly ports: DovecotPorts;
  readonly dir: string;
  readonly users: TestUser[];
  readonly certificate: TestCertificate;
  /**
   * Sockets a private Postfix (postfix.ts) uses: SASL authentication through Dovecot's auth service, and
   * LMTP delivery into the users' Maildirs (recipients `user@any.domain` are the user `user`).
   */
  readonly sockets: { auth: string; lmtp: string };
  /** Puts a message straight into a user's Maildir, as a delivery agent would. */
  deliver(user: string, raw: string | Buffer, options?: MessageOptions): Promise<void>;
  /** The user's Maildir root (for tests that inspect the server's copy). */
  maildir(user: string): string;
  /**
   * Changes a user's password on the server (Dovecot re-reads its passwd-file when it changes): a wrong
   * one stands for a password changed elsewhere or a host refusing logins for a while (a lockout).
   */
  setPassword(user: string, password: string): Promise<void>;
  /** Stops the server (as if it went down); `start()` brings it back on the same ports. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its directory. */
  destroy(): Promise<void>;
  log(): Promise<string>;
}

const MAILDIR_FLAGS: Record<string, string> = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' };

/** Dovecot's LMTP server (Debian's dovecot-lmtpd), through which the private Postfix delivers. */
export function lmtpAvailable(): boolean {
  return existsSync('/usr/lib/dovecot/lmtp');
}

/** Where Dovecot lives: missing here is a failure under CI (never a silent skip). */
export function dovecotAvailable(): boolean {
  return existsSync('/usr/sbin/dovecot');
}

export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  if (!dovecotAvailable()) {
    throw new Error('Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d); .ci/run installs it.');
  }
  const users = options.users ?? [{ name: 'alice', password: 'alice-secret' }];
  // /tmp, not the project folder: as root, Dovecot drops to an unprivileged user that must traverse every parent.
  const dir = await mkdtemp(join(tmpdir(), 'homing-dovecot-'));
  await chmod(dir, 0o755);
  for (const sub of ['run', 'state', 'mail', 'ssl', 'etc']) await mkdir(join(dir, sub), { recursive: true, mode: 0o755 });
  const certificate = await makeCertificate(join(dir, 'ssl'), options.certificateNames);

  const isRoot = process.getuid?.() === 0;
  const me = userInfo();
  // Dovecot refuses uid 0 for mail access: as root the mail belongs to nobody.
  const mailUid = isRoot ? 65534 : me.uid;
  const mailGid = isRoot ? 65534 : me.gid;
  const [imapPort, imapsPort, pop3Port, pop3sPort] = (await freePorts(4)) as [number, number, number, number];
  const ports: DovecotPorts = { imap: imapPort, imaps: imapsPort, pop3: pop3Port, pop3s: pop3sPort };

  const passwords = new Map(users.map((u) => [u.name, u.password]));
  const stored = async (password: string) =>
    options.hashedPasswords ? (await run(doveadmPath(), ['pw', '-s', 'SHA512-CRYPT', '-p', password])).stdout.trim() : `{PLAIN}${password}`;
  const writeUsers = async () => {
    const lines = await Promise.all(
      [...passwords].map(async ([name, password]) => `${name}:${await stored(password)}:${mailUid}:${mailGid}::${join(dir, 'mail', name)}::`),
    );
    // Written aside and renamed: Dovecot must never read half a file.
    await writeFile(join(dir, 'etc', 'users.new'), lines.join('\n') + '\n');
    const { rename } = await import('node:fs/promises');
    await rename(join(dir, 'etc', 'users.new'), join(dir, 'etc', 'users'));
  };
  await writeUsers();
  const conf = join(dir, 'etc', 'dovecot.conf');
  await writeFile(conf, config({ dir, ports, certificate, mailUid, mailGid, isRoot, user: me.username, options }));
  for (const u of users) {
    const home = join(dir, 'mail', u.name);
    await mkdir(join(home, 'Maildir'), { recursive: true });
    await chownTree(home, mailUid, mailGid);
  }

  const server: DovecotServer = {
    host: '127.0.0.1',
    ports,
    dir,
    users,
    certificate,
    sockets: { auth: join(dir, 'run', 'auth-smtp'), lmtp: join(dir, 'run', 'lmtp-smtp') },
    maildir: (user) => join(dir, 'mail', user, 'Maildir'),
    async deliver(user, raw, messageOptions = {}) {
      const folderDir = maildirFolder(server.maildir(user), messageOptions.folder ?? 'INBOX');
      for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(folderDir, sub), { recursive: true });
      const flags = (messageOptions.flags ?? []).map((f) => MAILDIR_FLAGS[f] ?? '').sort().join('');
      const when = messageOptions.internalDate ?? new Date();
      const name = `${Math.floor(when.getTime() / 1000)}.${randomBytes(6).toString('hex')}.homing-test:2,${flags}`;
      const tmp = join(folderDir, 'tmp', name);
      await writeFile(tmp, raw);
      await utimes(tmp, when, when);
      const { rename } = await import('node:fs/promises');
      await rename(tmp, join(folderDir, 'cur', name));
      await chownTree(join(dir, 'mail', user), mailUid, mailGid);
    },
    async setPassword(user, password) {
      passwords.set(user, password);
      await writeUsers();
      // Dovecot looks at the passwd-file at most once a second: ask its auth service (no IMAP login, so
      // nothing in the login counts) until it takes the new password.
      const doveadm = doveadmPath();
      const deadline = Date.now() + 10_000;
      while (!(await run(doveadm, ['-c', conf, 'auth', 'test', user, password]).then(() => true, () => false))) {
        if (Date.now() > deadline) throw new Error(`Dovecot did not take the new password of ${user}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async start() {
      await startMaster(conf, dir, ports);
    },
    async stop() {
      await stopMaster(conf, dir, ports);
    },
    async destroy() {
      await stopMaster(conf, dir, ports).catch(() => undefined);
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
    log: () => readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => ''),
  };
  await server.start();
  return server;
}

function config(p: {
  dir: string;
  ports: DovecotPorts;
  certificate: TestCertificate;
  mailUid: number;
  mailGid: number;
  isRoot: boolean;
  user: string;
  options: DovecotOptions;
}): string {
  const { dir, ports } = p;
  const unprivileged = p.isRoot
    ? ''
    : `default_internal_user = ${p.user}\ndefault_internal_group = ${p.user}\ndefault_login_user = ${p.user}\n`;
  return `# A private Dovecot for Homing's tests (test/servers/dovecot.ts). Nothing here is shared with the system.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
listen = 127.0.0.1
protocols = imap pop3${lmtpAvailable() ? ' lmtp' : ''}
postmaster_address = postmaster@example.test
${unprivileged}
ssl = yes
ssl_cert = <${p.certificate.certPath}
ssl_key = <${p.certificate.keyPath}
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = ${p.options.allowPlaintext ? 'no' : 'yes'}
auth_mechanisms = plain login cram-md5
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/etc/users
}
userdb {
  driver = passwd-file
  # %n: LMTP looks recipients up as user@domain; the user part names the mailbox.
  args = username_format=%n ${dir}/etc/users
}
first_valid_uid = 0
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 200
pop3_uidl_format = %08Xu%08Xv
namespace inbox {
  inbox = yes
  separator = /
${p.options.noSpecialFolders ? '' : `  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
`}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${ports.imaps}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = ${ports.pop3s}
    ssl = yes
  }
}
# For a private Postfix (postfix.ts): its smtpd authenticates through auth-smtp, its lmtp client
# delivers through lmtp-smtp. Both run as the postfix user, hence mode 0666 (the folder is private).
service auth {
  unix_listener auth-smtp {
    mode = 0666
  }
}
${lmtpAvailable() ? 'service lmtp {\n  unix_listener lmtp-smtp {\n    mode = 0666\n  }\n}' : ''}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
${p.options.extraConfig ?? ''}
`;
}

async function startMaster(conf: string, dir: string, ports: DovecotPorts): Promise<void> {
  // stdin/stdout go to a file: the master keeps the caller's stdout open after daemonising (test/servers/README.md).
  const { openSync, closeSync } = await import('node:fs');
  const out = openSync(join(dir, 'master.out'), 'a');
  try {
    const child = spawn('/usr/sbin/dovecot', ['-c', conf], { stdio: ['ignore', out, out] });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`dovecot exited with ${code}: ${await readFile(join(dir, 'master.out'), 'utf8')}`);
  } finally {
    closeSync(out);
  }
  await waitForPorts(Object.values(ports), true, 'Dovecot', () => readLog(join(dir, 'dovecot.log')));
}

async function stopMaster(conf: string, dir: string, ports: DovecotPorts): Promise<void> {
  if (!existsSync(join(dir, 'run', 'master.pid'))) return;
  const masterPid = Number((await readFile(join(dir, 'run', 'master.pid'), 'utf8').catch(() => '')).trim());
  // The master's children outlive it: a stopped Dovecot would keep serving the sessions already open
  // (measured: an IDLE connection answered NOOPs for ~30 s after `doveadm stop`). A server that goes down
  // drops its connections, so they are ended too.
  const children = masterPid > 0 ? await childPids(masterPid) : [];
  const doveadm = doveadmPath();
  await run(doveadm, ['-c', conf, 'stop']).catch(() => {
    if (masterPid > 0) process.kill(masterPid, 'SIGTERM');
  });
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await waitForPorts(Object.values(ports), false, 'Dovecot', () => readLog(join(dir, 'dovecot.log')));
}

/** Debian ships doveadm in /usr/bin (dovecot itself in /usr/sbin). */
function doveadmPath(): string {
  return existsSync('/usr/bin/doveadm') ? '/usr/bin/doveadm' : '/usr/sbin/doveadm';
}

/** The direct children of a process (Dovecot's master starts every service process itself). */
async function childPids(pid: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((child) => child > 0);
}

/** Maildir++: INBOX is the root; `A/B` lives in `.A.B`, names in IMAP modified UTF-7. */
export function maildirFolder(root: string, folder: string): string {
  if (folder.toUpperCase() === 'INBOX') return root;
  return join(root, `.${folder.split('/').map(encodeModifiedUtf7).join('.')}`);
}

/** RFC 3501 section 5.1.3: mailbox names in modified UTF-7. */
export function encodeModifiedUtf7(name: string): string {
  return name.replace(/&/g, '&-').replace(/[^\x20-\x7e]+/g, (run) => {
    const utf16 = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) utf16.writeUInt16BE(run.charCodeAt(i), i * 2);
    return `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
  });
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await run('chown', ['-R', `${uid}:${gid}`, path]);
  await chown(path, uid, gid);
}

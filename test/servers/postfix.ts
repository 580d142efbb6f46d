import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestCertificate } from './certificate';
import { type DovecotServer, lmtpAvailable } from './dovecot';
import { freePorts } from './free-port';
import { readLog, waitForPorts } from './mail-server';

const run = promisify(execFile);

export interface PostfixOptions {
  /** The private Dovecot that authenticates users (SASL) and receives the mail (LMTP). */
  dovecot: DovecotServer;
  /** The mail domain: `user@domain` is delivered to the Dovecot user `user`. */
  domain?: string;
  /** message_size_limit in bytes (announced as SIZE); Postfix's default is 10,240,000. */
  messageSizeLimit?: number;
  /** Announce SMTPUTF8 (Postfix's default); false makes a server that cannot take non-ASCII addresses. */
  smtputf8?: boolean;
  /** Announce 8BITMIME (Postfix's default); false (smtpd_discard_ehlo_keywords) makes a 7-bit-only server. */
  eightBitMime?: boolean;
  /** Refuse a MAIL FROM the logged-in user does not own (reject_sender_login_mismatch): `user@domain` only. */
  senderLoginCheck?: boolean;
  /**
   * Addresses answered "450 4.2.0 ... Greylisted" at RCPT, logged in or not (check_recipient_access before
   * permit_sasl_authenticated): a greylist or a busy mailbox, as a real server gives them.
   */
  deferRecipients?: string[];
  /** Addresses answered "550 5.1.1 ... User unknown" at RCPT the same way: a mailbox that does not exist. */
  refuseRecipients?: string[];
  /**
   * The SASL mechanisms AUTH offers (smtpd_sasl_mechanism_filter), e.g. `['login']` or `['cram-md5']`: a
   * submission server with one mechanism, while Dovecot's own IMAP and POP3 keep theirs. Default: all of
   * Dovecot's (PLAIN, LOGIN, CRAM-MD5).
   */
  saslMechanisms?: string[];
}

export interface PostfixPorts {
  /** Submission with STARTTLS required before AUTH (port 587's role). */
  submission: number;
  /** Submission over implicit TLS (port 465's role, RFC 8314). */
  submissions: number;
}

/** A private Postfix on 127.0.0.1 as a submission server, delivering into the private Dovecot. */
export interface PostfixServer {
  readonly host: '127.0.0.1';
  readonly ports: PostfixPorts;
  readonly domain: string;
  readonly dir: string;
  /** The same throwaway certificate as Dovecot's (the client pins it by fingerprint). */
  readonly certificate: TestCertificate;
  /** `user@domain` for a Dovecot user. */
  address(user: string): string;
  /** Waits until Postfix's queue is empty (everything delivered or bounced). */
  drain(): Promise<void>;
  /** Stops Postfix (as if the server went down); `start()` brings it back on the same ports. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
  log(): Promise<string>;
  /** Rewrites main.cf with these options changed and reloads Postfix (new sessions get them). */
  reconfigure(changes: Partial<Omit<PostfixOptions, 'dovecot' | 'domain'>>): Promise<void>;
}

const POSTFIX = '/usr/sbin/postfix';

export function postfixAvailable(): boolean {
  return existsSync(POSTFIX) && existsSync('/usr/lib/postfix/sbin/master');
}

/**
 * Starts Debian's Postfix with a configuration directory of its own (`postfix -c DIR`): queue, data, log
 * and config all under a temporary folder; the system's /etc/postfix is only read for the list of files
 * Postfix checks at start (`meta_directory`), never changed. Needs root: the master starts as root and
 * its daemons run as the `postfix` user, which owns the queue.
 */
export async function startPostfix(options: PostfixOptions): Promise<PostfixServer> {
  if (!postfixAvailable()) throw new Error('Postfix is not installed (apt-get install postfix); .ci/install-system-packages installs it.');
  if (!lmtpAvailable()) throw new Error('Dovecot’s LMTP server is not installed (apt-get install dovecot-lmtpd); .ci/install-system-packages installs it.');
  if (process.getuid?.() !== 0) throw new Error('The private Postfix needs root (its master starts as root and its daemons run as postfix).');
  const { dovecot } = options;
  const domain = options.domain ?? 'example.test';
  const dir = await mkdtemp(join(tmpdir(), 'homing-postfix-'));
  await chmod(dir, 0o755);
  for (const sub of ['etc', 'spool', 'data', 'tls']) await mkdir(join(dir, sub), { mode: 0o755 });
  const { uid, gid } = await postfixUser();
  await chown(join(dir, 'data'), uid, gid);
  // smtpd reads the key after dropping to the postfix user: a copy it may read (a throwaway test key).
  const keyPath = join(dir, 'tls', 'server.key');
  await copyFile(dovecot.certificate.keyPath, keyPath);
  await chmod(keyPath, 0o644);
  const ports: PostfixPorts = { submission: 0, submissions: 0 };
  const conf = join(dir, 'etc');
  let current: PostfixOptions = options;
  await writeFile(join(conf, 'main.cf'), mainCf({ dir, domain, dovecot, keyPath, options }));
  const choosePorts = async () => {
    [ports.submission, ports.submissions] = (await freePorts(2)) as [number, number];
    await writeFile(join(conf, 'master.cf'), masterCf(ports));
  };
  await choosePorts();

  const postfix = (command: string) => run(POSTFIX, ['-c', conf, command], { env: { ...process.env, LC_ALL: 'C' } });
  const server: PostfixServer = {
    host: '127.0.0.1',
    ports,
    domain,
    dir,
    certificate: dovecot.certificate,
    address: (user) => `${user}@${domain}`,
    async drain() {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { stdout } = await run('/usr/sbin/postqueue', ['-c', conf, '-j']).catch(() => ({ stdout: '' }));
        if (stdout.trim() === '') return;
        if (Date.now() > deadline) throw new Error(`Postfix's queue did not drain:\n${stdout.slice(0, 2000)}\n${(await server.log()).slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async start() {
      await postfix('start').catch(async (error: { stderr?: string; message: string }) => {
        throw new Error(`postfix start failed: ${error.stderr || error.message}\n${(await server.log()).slice(-3000)}`);
      });
      await waitForPorts(Object.values(ports), true, 'Postfix', server.log);
    },
    async stop() {
      if (!existsSync(join(dir, 'spool', 'pid', 'master.pid'))) return;
      await postfix('stop').catch(() => undefined);
      await waitForPorts(Object.values(ports), false, 'Postfix', server.log);
    },
    async destroy() {
      await server.stop().catch(() => undefined);
      await postfix('abort').catch(() => undefined);
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
    log: () => readLog(join(dir, 'postfix.log')),
    async reconfigure(changes) {
      current = { ...current, ...changes };
      await writeFile(join(conf, 'main.cf'), mainCf({ dir, domain, dovecot, keyPath, options: current }));
      await postfix('reload');
      // The master restarts its daemons as their sessions end; a moment for idle ones to go.
      await new Promise((resolve) => setTimeout(resolve, 500));
    },
  };
  // `postfix check` makes the queue folders with their owners (postfix, postdrop) before the first start.
  await postfix('check').catch(() => undefined);
  // A port free when chosen can be taken before the master binds it (other test files choose ports at
  // the same time): the first start tries again on other ports. Later starts keep theirs (accounts use them).
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      return server;
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String(error))) throw error;
      await choosePorts();
    }
  }
}

function mainCf(p: { dir: string; domain: string; dovecot: DovecotServer; keyPath: string; options: PostfixOptions }): string {
  const { dir, domain, dovecot, options } = p;
  const users = dovecot.users.map((u) => `${u.name}@${domain}=${u.name}`).join(', ');
  return `# A private Postfix for Homing's tests (test/servers/postfix.ts). Nothing here is shared with the system.
compatibility_level = 3.6
config_directory = ${dir}/etc
queue_directory = ${dir}/spool
data_directory = ${dir}/data
# Read only: the list of files \`postfix check\` expects (Debian's /etc/postfix/postfix-files).
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
# No syslog on these machines: Postfix's own log file (postlogd).
maillog_file = ${dir}/postfix.log
maillog_file_prefixes = ${dir}
myhostname = mail.${domain}
mydomain = ${domain}
myorigin = ${domain}
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
smtp_dns_support_level = disabled
# Only the test domain is delivered (by LMTP into the private Dovecot); nothing ever leaves the machine.
virtual_mailbox_domains = ${domain}
virtual_transport = lmtp:unix:${dovecot.sockets.lmtp}
default_transport = error:this test server delivers nowhere but ${domain}
relay_transport = error:this test server delivers nowhere but ${domain}
# Submission: AUTH only over TLS, through Dovecot's auth service; a logged-in user may send anywhere,
# anyone else only to the test domain (so a relay attempt without login gets "Relay access denied").
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${dovecot.sockets.auth}
smtpd_tls_auth_only = yes
${options.saslMechanisms ? `smtpd_sasl_mechanism_filter = ${options.saslMechanisms.join(', ')}\n` : ''}smtpd_tls_cert_file = ${dovecot.certificate.certPath}
smtpd_tls_key_file = ${p.keyPath}
smtpd_tls_security_level = may
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = ${recipientAccess(options)}permit_sasl_authenticated, reject_unauth_destination
${options.senderLoginCheck ? `smtpd_sender_login_maps = inline:{ ${users} }\nsmtpd_sender_restrictions = reject_sender_login_mismatch\n` : ''}message_size_limit = ${options.messageSizeLimit ?? 10_240_000}
smtputf8_enable = ${options.smtputf8 === false ? 'no' : 'yes'}
${options.eightBitMime === false ? 'smtpd_discard_ehlo_keywords = 8bitmime\n' : ''}# Headers pass as the client wrote them (no address rewriting), so the delivered bytes can be compared.
local_header_rewrite_clients =
# Tests restart Postfix and expect deferred mail to go at once.
smtpd_error_sleep_time = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
`;
}

/** check_recipient_access answering 450 or 550 for each address (inline map; the braces keep the reply's spaces). */
function recipientAccess(options: Pick<PostfixOptions, 'deferRecipients' | 'refuseRecipients'>): string {
  const entries = [
    ...(options.deferRecipients ?? []).map((a) => `{ ${a} = 450 4.2.0 Greylisted, try again later }`),
    ...(options.refuseRecipients ?? []).map((a) => `{ ${a} = 550 5.1.1 User unknown in this test }`),
  ];
  if (entries.length === 0) return '';
  return `check_recipient_access inline:{ ${entries.join(', ')} }, `;
}

function masterCf(ports: PostfixPorts): string {
  // Column order: service type private unpriv chroot wakeup maxproc command. Nothing runs chrooted
  // (Dovecot's sockets and the TLS files live outside any chroot).
  return `127.0.0.1:${ports.submission} inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
127.0.0.1:${ports.submissions} inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
lmtp      unix  - - n - - lmtp
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`;
}

async function postfixUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['postfix']);
  const uid = Number(/uid=(\d+)/.exec(stdout)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(stdout)?.[1]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`no postfix user: ${stdout}`);
  return { uid, gid };
}

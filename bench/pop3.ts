/**
 * `npm run bench -- pop3 [--count 10000] [--runs 3] [--mda-runs N (1 below 10k, else 0)] [--getmail] [--homing-only] [--keep]`
 *
 * Delivers `count` messages (bench/lib/imap-corpus.ts, the same ~45 KB mix as the IMAP benchmark) into a
 * private Dovecot's INBOX as Maildir files, then downloads the maildrop over POP3S (TLS, certificate
 * pinned) with `homing sync` — the real CLI, worker thread, parser and store, in a child process whose
 * wall time and peak RSS come from /usr/bin/time — and, where it is installed, with fetchmail on the
 * same maildrop (bench/README.md: `sslcommonname localhost`, a 0600 rcfile, its own FETCHMAILHOME; `keep`
 * so the maildrop stays, each message handed to an MDA that throws it away). Both leave the mail on the
 * server; each run starts from nothing (a new data directory; fetchmail keeps no UIDL state here).
 * One warm-up first (Dovecot's index, the page cache). Then a maildrop of one 50 MB message, to show
 * memory stays bounded. Prints one table; asserts nothing. `--homing-only` runs no peer and no warm-up (for
 * memory runs at 100k, where fetchmail's rounds would double the time and add nothing to Homing's peak RSS).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDovecot } from '../test/servers/dovecot';
import { placeImapCorpus } from './lib/imap-corpus';
import { buildCli } from './lib/built-cli';
import { reportResults } from './lib/report';
import { median, rowsFromRuns } from './lib/report-runs';
import { timed, type TimedRun as Run } from './lib/timed';
import { arg } from './lib/bench-arg';

const root = process.cwd();
const count = Number(arg('count', '10000'));
const runs = Number(arg('runs', '3'));
// fetchmail with an MDA starts a process per message (~6.5 minutes for 10k here, 30 msg/s at any size):
// one round below 10k, none from 10k on unless asked (the goal compares with BSMTP, its fastest delivery).
const mdaRuns = Number(arg('mda-runs', count >= 10_000 ? '0' : '1'));
const homingOnly = process.argv.includes('--homing-only');

const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'homing-bench-pop3-'));
  const server = await startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }, { name: 'big', password: 'big-secret' }] });
  try {
    process.stderr.write(`placing ${count} messages (written once, cached in .cache/bench/)… `);
    const bytes = placeImapCorpus(root, server.maildir('alice'), count);
    const big = bigMessage();
    mkdirSync(join(server.maildir('big'), 'cur'), { recursive: true });
    writeFileSync(join(server.maildir('big'), 'cur', `1700000000.big.bench:2,`), big);
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', '65534:65534', join(server.dir, 'mail')]);
    process.stderr.write(`${fmt(bytes / 1e6, 0)} MB\n`);

    const homing = buildCli(root, 'pop3');

    const addAccount = (dataDir: string, user: string) =>
      execFileSync(
        process.execPath,
        [homing, '--data-dir', dataDir, 'account', 'add', '--email', `${user}@example.org`, '--protocol', 'pop3', '--host', '127.0.0.1',
          '--port', String(server.ports.pop3s), '--security', 'tls', '--username', user, '--password-env', 'BENCH_POP3_PASSWORD', '--insecure-store-in-file',
          '--trust-fingerprint', server.certificate.fingerprint256, '--pop3-delete', 'never'],
        { env: { ...process.env, BENCH_POP3_PASSWORD: `${user}-secret` } },
      );
    const storedFull = (dataDir: string) => {
      const db = new Database(join(dataDir, 'homing.sqlite'), { readonly: true });
      try {
        return (db.prepare(`SELECT count(*) AS n FROM messages WHERE body_status = 'full'`).get() as { n: number }).n;
      } finally {
        db.close();
      }
    };

    /** A first download into an empty data directory; with `again`, also the run that finds nothing new. */
    const homingRun = async (user = 'alice', expected = count): Promise<{ first: Run; again: Run }> => {
      const dataDir = mkdtempSync(join(work, 'homing-'));
      addAccount(dataDir, user);
      const first = await timed(process.execPath, [homing, '--data-dir', dataDir, 'sync'], process.env);
      const stored = storedFull(dataDir);
      if (stored !== expected) throw new Error(`homing stored ${stored} full messages, expected ${expected}`);
      const again = await timed(process.execPath, [homing, '--data-dir', dataDir, 'sync'], process.env);
      rmSync(dataDir, { recursive: true, force: true });
      return { first, again };
    };

    const fetchmailAvailable = !homingOnly && existsSync('/usr/bin/fetchmail');
    /**
     * fetchmail hands each message to a sink: an MDA (one process per message, as most setups deliver),
     * or BSMTP appended to a file (no process per message: fetchmail's fastest way, the stricter baseline).
     */
    const fetchmailRun = async (user = 'alice', sink: 'mda' | 'bsmtp' = 'mda'): Promise<Run> => {
      const home = mkdtempSync(join(work, 'fetchmail-'));
      chmodSync(home, 0o700);
      const rc = join(home, 'fetchmailrc');
      writeFileSync(
        rc,
        [
          'set no bouncemail',
          `poll 127.0.0.1 with proto POP3 port ${server.ports.pop3s} timeout 120:`,
          `  user '${user}' there with password '${user}-secret' is 'root' here`,
          `  options ssl sslcertck sslcertfile '${server.certificate.certPath}' sslcommonname localhost keep fetchall no rewrite`,
          sink === 'mda' ? '  mda "cat >/dev/null"' : '  bsmtp /dev/null',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      const run = await timed('/usr/bin/fetchmail', ['-f', rc, '--pidfile', join(home, 'fetchmail.pid'), '--nosyslog', '--silent'], { ...process.env, FETCHMAILHOME: home }, { cwd: home });
      rmSync(home, { recursive: true, force: true });
      return run;
    };

    /**
     * Opt-in (`--getmail`): Debian 12's getmail6 6.18 loses the race between its SIGCHLD handler and the
     * wait for its delivery child (getmail6 issues #52 and #226) and then hangs for good, often within a
     * few hundred messages on a loaded machine; it also forks a child per message. Measured by hand in
     * the POP3 note instead.
     */
    const getmailAvailable = !homingOnly && process.argv.includes('--getmail') && existsSync('/usr/bin/getmail');
    /**
     * getmail6 (it refuses to deliver as root, bench/README.md) runs as nobody, into a Maildir it owns, checking
     * the pinned certificate (ca_certs, hostname localhost), `read_all` with `delete = false` so the
     * maildrop stays; its UIDL state (oldmail file) lives in a new getmail directory each run.
     */
    const getmailRun = async (user = 'alice'): Promise<Run> => {
      const home = mkdtempSync(join(work, 'getmail-'));
      const maildir = join(home, 'Maildir');
      for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
      const rc = join(home, 'getmailrc');
      writeFileSync(
        rc,
        [
          '[retriever]',
          'type = SimplePOP3SSLRetriever',
          'server = localhost',
          `port = ${server.ports.pop3s}`,
          `username = ${user}`,
          `password = ${user}-secret`,
          `ca_certs = ${server.certificate.certPath}`,
          '[destination]',
          'type = Maildir',
          `path = ${maildir}/`,
          '[options]',
          'verbose = 0',
          'read_all = true',
          'delete = false',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      const asRoot = process.getuid?.() === 0;
      if (asRoot) {
        // nobody must be able to reach its getmail directory through the work directory (mkdtemp: 0700).
        chmodSync(work, 0o711);
        execFileSync('chown', ['-R', '65534:65534', home]);
      }
      const getmail = ['/usr/bin/getmail', '--getmaildir', home, '--rcfile', rc, '--quiet'];
      const [command, ...args] = asRoot ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...getmail] : getmail;
      const run = await timed(command!, args, { ...process.env, HOME: home }, { cwd: home });
      const got = readdirSync(join(maildir, 'new')).length + readdirSync(join(maildir, 'cur')).length;
      rmSync(home, { recursive: true, force: true });
      if (got !== (user === 'alice' ? count : 1)) throw new Error(`getmail delivered ${got} messages`);
      return run;
    };

    // The machine is shared: its load around the timed runs says how far apart to read the wall times.
    const loadBefore = loadavg()[0]!;
    if (!homingOnly) {
      process.stderr.write('warm-up… ');
      // BSMTP: fetchmail's quickest way through the whole maildrop (Dovecot's index, the page cache).
      if (fetchmailAvailable) await fetchmailRun('alice', 'bsmtp');
      else await homingRun();
      process.stderr.write('done\n');
    }

    /** Every program, run back to back in each round (the machine is shared: ratios, not absolute times). */
    const peers: Array<{ name: string; short: string; run: (user?: string) => Promise<Run>; rounds: number }> = [];
    if (fetchmailAvailable) {
      if (mdaRuns > 0) peers.push({ name: 'fetchmail, keep, MDA `cat >/dev/null`', short: 'fetchmail (MDA)', run: (user) => fetchmailRun(user, 'mda'), rounds: mdaRuns });
      peers.push({ name: 'fetchmail, keep, BSMTP to /dev/null', short: 'fetchmail (BSMTP)', run: (user) => fetchmailRun(user, 'bsmtp'), rounds: runs });
    }
    if (getmailAvailable) peers.push({ name: 'getmail6, delete = false, to a Maildir', short: 'getmail6', run: (user) => getmailRun(user), rounds: runs });
    const results = { homing: [] as Run[], again: [] as Run[], peers: peers.map(() => [] as Run[]) };
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`run ${i + 1}/${runs}: homing… `);
      const { first, again } = await homingRun();
      results.homing.push(first);
      results.again.push(again);
      for (const [p, peer] of peers.entries()) {
        if (i >= peer.rounds) continue;
        process.stderr.write(`${peer.short}… `);
        results.peers[p]!.push(await peer.run());
      }
      process.stderr.write('\n');
    }
    process.stderr.write('one 50 MB message… ');
    const bigHoming = await homingRun('big', 1);
    const bigPeers = await Promise.all(peers.slice(0, 1).map((peer) => peer.run('big')));
    process.stderr.write('done\n');

    const wallOf = (list: Run[]) => median(list.map((r) => r.wallS));
    const rssOf = (list: Run[]) => median(list.map((r) => r.peakRssMb));
    const homingWall = wallOf(results.homing);
    const cpuOf = (list: Run[]) => median(list.map((r) => r.cpuS));
    const fastestOf = (list: Run[]) => Math.min(...list.map((r) => r.wallS));
    const row = (name: string, list: Run[], ratio: string) =>
      `| ${name} | ${fmt(wallOf(list))} | ${fmt(fastestOf(list))} | ${fmt(cpuOf(list))} | ${fmt(rssOf(list), 0)} | ${ratio} |`;
    const lines = [
      `POP3 download: ${count} messages, ${fmt(bytes / 1e6, 0)} MB, POP3S from a local Dovecot, mail left on the server (median of ${runs}, fetchmail with an MDA ${mdaRuns}; programs run back to back; load average ${fmt(loadBefore)} before, ${fmt(loadavg()[0]!)} after)`,
      '',
      '| run | wall time (s) | fastest (s) | CPU (s) | peak RSS (MB) | homing ÷ this (wall) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('homing sync (CLI: download, parse, store, index)', results.homing, '1.00×'),
      ...peers.map((peer, p) => row(peer.name, results.peers[p]!, `${fmt(homingWall / wallOf(results.peers[p]!), 2)}×`)),
      row('homing sync again (nothing new: start-up, login, UIDL)', results.again, '—'),
      row(`homing sync, one ${fmt(big.length / 1e6, 0)} MB message`, [bigHoming.first], '—'),
      ...bigPeers.map((r, p) => row(`${peers[p]!.name}, one ${fmt(big.length / 1e6, 0)} MB message`, [r], '—')),
    ];
    if (homingOnly) lines.push('', '--homing-only: no peer and no warm-up ran.');
    else if (!fetchmailAvailable) lines.push('', 'fetchmail is not installed (apt-get install fetchmail): no comparison with it.');
    if (!getmailAvailable) lines.push('', 'getmail6 not measured (pass --getmail; needs apt-get install getmail6, and Debian 12\'s 6.18 can hang, see above).');
    if (peers.length > 0) {
      lines.push('', `${peers.map((peer, p) => `homing ÷ ${peer.short} = ${fmt(homingWall / wallOf(results.peers[p]!), 2)}`).join('; ')} (goal ≤ 1.00 for fetchmail)`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    // For `npm run bench` (the suite): the same medians as rows (bench/lib/report.ts).
    reportResults('pop3', [
      ...rowsFromRuns(count, 'download, POP3S, mail kept on server', bytes, [
        { tool: 'homing', homing: true, list: results.homing },
        ...peers.map((peer, p) => ({ tool: peer.name, homing: false, list: results.peers[p]! })),
      ]),
      ...rowsFromRuns(count, 'sync again, nothing new', 0, [{ tool: 'homing', homing: true, list: results.again }]),
      ...rowsFromRuns(1, `one ${fmt(big.length / 1e6, 0)} MB message`, big.length, [
        { tool: 'homing', homing: true, list: [bigHoming.first] },
        ...bigPeers.map((r, p) => ({ tool: peers[p]!.name, homing: false, list: [r] })),
      ]),
    ]);
  } finally {
    await server.destroy();
    if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
  }
}

/** A 50 MB message: a short text part and a base64 attachment of random (incompressible) bytes. */
function bigMessage(): Buffer {
  const attachment = randomBytes(37 * 1024 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    'From: Big <big@example.org>\r\nTo: big@example.org\r\nSubject: fifty megabytes\r\nMessage-ID: <big@bench>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--b\r\n' +
      'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=big.bin\r\n\r\n' +
      `${attachment}\r\n--b--\r\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

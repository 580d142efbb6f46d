/**
 * `npm run bench -- imap [--count 10000] [--runs 3] [--keep] [--peers no] [--warmup no] [--idle no] [--cli PATH] [--cpu-prof DIR]`
 *
 * Delivers `count` messages (bench/lib/imap-corpus.ts, ~45 KB each) into a private Dovecot's INBOX as
 * Maildir files, then syncs the mailbox over IMAPS (TLS, certificate pinned) with `homing sync` — the
 * real CLI, worker thread and store, in a child process whose peak RSS is read from /usr/bin/time —
 * and, where mbsync is installed, with mbsync on the same mailbox (pointed at `localhost`: it does not match
 * the certificate's IP address, bench/README.md; mbsync adds X-TUID and fsyncs each message by default, so it is run both ways). Each tool runs
 * `runs` times into an empty target, alternating, after one warm-up that builds Dovecot's index and
 * fills the page cache. Also prints when the first screenful (50 INBOX rows) was readable in the store,
 * and the idle app's RSS: `homing sync --watch` on the last round's store, watching INBOX.
 * `--peers no` leaves mbsync out (memory runs), `--warmup no` the warm-up round, `--idle no` the idle
 * measurement. Every homing run's resident set (VmRSS, VmHWM from /proc, each second) and stored rows
 * (every 5 s) go to .cache/bench/logs/imap-N-TIME.samples, to see in which phase the peak falls.
 * `--cpu-prof DIR` runs each homing sync under node's --cpu-prof: one .cpuprofile per thread in DIR (it
 * samples by the wall clock and adds CPU of its own: compare such runs only with each other, on a quiet machine).
 * Prints one table; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDovecot } from '../test/servers/dovecot';
import { placeImapCorpus } from './lib/imap-corpus';
import { buildCli } from './lib/built-cli';
import { addImapAccount, IMAP_PASSWORD_ENV, memoryOf, startWatching } from './lib/homing-imap';
import { timed, type TimedRun } from './lib/timed';
import { reportResults } from './lib/report';
import { rowsFromRuns } from './lib/report-runs';
import { arg } from './lib/bench-arg';

// Run from the project root (npm run bench): the CLI is bundled from here.
const root = process.cwd();
const count = Number(arg('count', '10000'));
// Three, so the median is a run's own figure: mbsync's fsync-bound time swings ±30% run to run on a shared disk.
const runs = Number(arg('runs', '3'));
const peers = arg('peers', 'yes') !== 'no';
const warmup = arg('warmup', 'yes') !== 'no';
const idleWanted = arg('idle', 'yes') !== 'no';
const cpuProf = arg('cpu-prof', '');

type Run = TimedRun;

/** Polls the store read-only while the sync runs: when could the app first show 50 INBOX rows? */
function firstScreenWatcher(dbPath: string) {
  return (startedAt: number) => {
    let seenAt: number | undefined;
    const timer = setInterval(() => {
      if (seenAt !== undefined || !existsSync(dbPath)) return;
      try {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          const row = db.prepare(`SELECT count(*) AS n FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.path = 'INBOX'`).get() as { n: number };
          if (row.n >= 50) seenAt = (performance.now() - startedAt) / 1000;
        } finally {
          db.close();
        }
      } catch {
        // not created or migrated yet
      }
    }, 25);
    return () => {
      clearInterval(timer);
      return seenAt;
    };
  };
}

/**
 * Samples the timed `homing sync` (the child of /usr/bin/time) each second into `file`: seconds, VmRSS and
 * VmHWM (MB) and, every fifth sample, the rows stored and the rows with their body.
 */
function rssSampler(file: string, dbPath: string) {
  let timer: NodeJS.Timeout | undefined;
  let tick = 0;
  let rows = '';
  const started = performance.now();
  return {
    onSpawn(timePid: number) {
      timer = setInterval(() => {
        try {
          const children = readFileSync(`/proc/${timePid}/task/${timePid}/children`, 'utf8').trim();
          if (!children) return;
          const memory = memoryOf(Number(children.split(' ')[0]));
          if (tick++ % 5 === 0 && existsSync(dbPath)) {
            const db = new Database(dbPath, { readonly: true, fileMustExist: true });
            try {
              const r = db.prepare(`SELECT count(*) AS n, coalesce(sum(body_status = 'full'), 0) AS full FROM messages`).get() as { n: number; full: number };
              rows = `${r.n} ${r.full}`;
            } finally {
              db.close();
            }
          }
          appendFileSync(file, `${((performance.now() - started) / 1000).toFixed(1)} ${memory.rssMb.toFixed(0)} ${memory.peakMb.toFixed(0)} ${rows}\n`);
        } catch {
          // the process has not started yet, or has just exited; the store is not migrated yet
        }
      }, 1000);
    },
    stop: () => clearInterval(timer),
  };
}

/** How long the idle measurement watches before its second reading. */
const idleSeconds = 20;

/**
 * The idle app's memory: `homing sync --watch` (the service and its sync worker in one process, as the app
 * runs them) on a store the sync just filled. Its pass finds nothing new, then it watches INBOX with IDLE;
 * RSS is read once it is watching and again `idleSeconds` later, then it is stopped with SIGTERM.
 * (`npm run bench -- idle` watches for an hour.)
 */
async function idleRss(homing: string, dataDir: string, env: NodeJS.ProcessEnv): Promise<{ afterPassMb: number; laterMb: number }> {
  const watcher = await startWatching(homing, dataDir, env);
  try {
    const afterPassMb = memoryOf(watcher.child.pid!).rssMb;
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    return { afterPassMb, laterMb: memoryOf(watcher.child.pid!).rssMb };
  } finally {
    await watcher.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'homing-bench-imap-'));
  const server = await startDovecot();
  try {
    process.stderr.write(`placing ${count} messages (written once, cached in .cache/bench/)… `);
    const bytes = placeImapCorpus(root, server.maildir('alice'), count);
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', '65534:65534', join(server.dir, 'mail')]);
    process.stderr.write(`${fmt(bytes / 1e6, 0)} MB\n`);
    try {
      execFileSync('doveadm', ['-c', join(server.dir, 'etc', 'dovecot.conf'), 'index', '-u', 'alice', 'INBOX'], { stdio: 'ignore' });
    } catch {
      // The warm-up sync below builds the index as well.
    }

    // The CLI and its worker, bundled as the app ships them.
    // (`--cli PATH` runs a bundle built before, e.g. a copy of .cache/bench-imap-cli/ at another commit, for A/B rounds.)
    const homing = arg('cli', '') || buildCli(root, 'imap');
    const env = { ...process.env, [IMAP_PASSWORD_ENV]: 'alice-secret' };

    /** One timed `homing sync` into a new data directory; `keep` leaves the directory for the idle measurement. */
    const homingRun = async (keep = false): Promise<Run & { dataDir: string }> => {
      const dataDir = mkdtempSync(join(work, 'homing-'));
      addImapAccount(homing, dataDir, server, env);
      const samples = join(logs, `imap-${count}-${new Date().toISOString().replace(/[:.]/g, '-')}.samples`);
      writeFileSync(samples, '# seconds VmRSS-MB VmHWM-MB rows rows-with-body\n');
      const sampler = rssSampler(samples, join(dataDir, 'homing.sqlite'));
      const run = await timed(process.execPath, [...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : []), homing, '--data-dir', dataDir, 'sync'], env, {
        onStart: firstScreenWatcher(join(dataDir, 'homing.sqlite')),
        onSpawn: sampler.onSpawn,
      }).finally(sampler.stop);
      process.stderr.write(`(${fmt(run.wallS)} s, CPU ${fmt(run.cpuS)} s, peak ${fmt(run.peakRssMb, 0)} MB; samples in ${samples}) `);
      const db = new Database(join(dataDir, 'homing.sqlite'), { readonly: true });
      const stored = (db.prepare(`SELECT count(*) AS n FROM messages WHERE body_status = 'full'`).get() as { n: number }).n;
      db.close();
      if (stored !== count) throw new Error(`homing stored ${stored} full messages, expected ${count}`);
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
      return { ...run, dataDir };
    };

    const logs = join(root, '.cache', 'bench', 'logs');
    mkdirSync(logs, { recursive: true });
    const mbsyncAvailable = peers && existsSync('/usr/bin/mbsync');
    const mbsyncRun = async (fsync: boolean): Promise<Run> => {
      const target = mkdtempSync(join(work, 'mbsync-'));
      const rc = join(target, 'mbsyncrc');
      writeFileSync(
        rc,
        [
          fsync ? '' : 'FSync no',
          'IMAPAccount bench',
          'Host localhost',
          `Port ${server.ports.imaps}`,
          'User alice',
          'Pass alice-secret',
          'SSLType IMAPS',
          `CertificateFile ${server.certificate.certPath}`,
          '',
          'IMAPStore remote',
          'Account bench',
          '',
          'MaildirStore local',
          `Path ${target}/mail/`,
          `Inbox ${target}/mail/INBOX`,
          '',
          'Channel bench',
          'Far :remote:',
          'Near :local:',
          'Patterns INBOX',
          'Create Near',
          'Sync Pull',
          `SyncState ${target}/state/`,
          '',
        ].join('\n'),
      );
      execFileSync('mkdir', ['-p', join(target, 'state'), join(target, 'mail')]);
      const run = await timed('/usr/bin/mbsync', ['-q', '-c', rc, '-a']);
      const got = readdirSync(join(target, 'mail', 'INBOX', 'cur')).length + readdirSync(join(target, 'mail', 'INBOX', 'new')).length;
      if (got !== count) throw new Error(`mbsync stored ${got} messages, expected ${count}`);
      rmSync(target, { recursive: true, force: true });
      return run;
    };

    // Warm-up: Dovecot's caches and the page cache, for whoever runs first.
    if (warmup) {
      process.stderr.write('warm-up… ');
      if (mbsyncAvailable) await mbsyncRun(false);
      else await homingRun();
      process.stderr.write('done\n');
    }

    const results: Record<string, Run[]> = { homing: [], mbsync: [], 'mbsync (FSync no)': [] };
    let idleDataDir: string | null = null;
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`run ${i + 1}/${runs}: homing… `);
      const { dataDir, ...run } = await homingRun(idleWanted && i === runs - 1);
      results.homing!.push(run);
      if (i === runs - 1) idleDataDir = dataDir;
      if (mbsyncAvailable) {
        process.stderr.write('mbsync… ');
        results.mbsync!.push(await mbsyncRun(true));
        process.stderr.write('mbsync (FSync no)… ');
        results['mbsync (FSync no)']!.push(await mbsyncRun(false));
      }
      process.stderr.write('\n');
    }

    let idle: { afterPassMb: number; laterMb: number } | null = null;
    if (idleWanted) {
      process.stderr.write('idle: homing sync --watch on the last round\'s store… ');
      idle = await idleRss(homing, idleDataDir!, env);
      process.stderr.write('done\n');
    }

    const homingWall = median(results.homing!.map((r) => r.wallS));
    const lines = [
      `IMAP initial sync: ${count} messages, ${fmt(bytes / 1e6, 0)} MB, IMAPS from a local Dovecot (median of ${runs})`,
      '',
      '| tool | wall time (s) | messages/s | CPU time (s) | peak RSS (MB) | first 50 INBOX rows (s) | homing ÷ tool (wall) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    for (const [name, list] of Object.entries(results)) {
      if (list.length === 0) continue;
      const wall = median(list.map((r) => r.wallS));
      const rss = median(list.map((r) => r.peakRssMb));
      const first = list[0]?.firstScreenS !== undefined ? fmt(median(list.map((r) => r.firstScreenS ?? NaN)), 2) : '—';
      const cpu = median(list.map((r) => r.cpuS));
      lines.push(`| ${name} | ${fmt(wall)} | ${fmt(count / wall, 0)} | ${fmt(cpu)} | ${fmt(rss, 0)} | ${first} | ${fmt(homingWall / wall, 2)}× |`);
    }
    if (idle) {
      lines.push(
        '',
        `idle (homing sync --watch on the synced store, one process: service + sync worker + parse thread, IDLE on INBOX): ` +
          `RSS ${fmt(idle.afterPassMb, 0)} MB once watching after its pass, ${fmt(idle.laterMb, 0)} MB ${idleSeconds} s later (goal < 150 MB at 100k)`,
      );
    }
    const [load1] = loadavg();
    lines.push('', `load average at the end: ${fmt(load1!, 2)} on ${cpus().length} CPUs (Dovecot's own CPU time is in neither column)`);
    if (!peers) lines.push('', 'peers left out (--peers no).');
    else if (!mbsyncAvailable) lines.push('', 'mbsync is not installed (apt-get install isync): no comparison.');
    else {
      const mbsyncWalls = results.mbsync!.map((r) => r.wallS);
      lines.push(
        '',
        `homing / mbsync = ${fmt(homingWall / median(mbsyncWalls), 2)} (goal ≤ 0.80 at 10k, ≤ 1.00 at 1k and 100k); ` +
          `homing / mbsync's fastest round = ${fmt(homingWall / Math.min(...mbsyncWalls), 2)} (goal ≤ 1.00)`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    // For `npm run bench` (the suite): the same medians as rows (bench/lib/report.ts).
    reportResults('imap', [
      ...rowsFromRuns(count, 'initial sync, IMAPS (one folder)', bytes, Object.entries(results).map(([tool, list]) => ({ tool, homing: tool === 'homing', list }))),
      ...(idle === null
        ? []
        : [
            {
              size: count,
              metric: `idle RSS: sync --watch on the synced store, ${idleSeconds} s watching`,
              tool: 'homing',
              homing: true,
              wallS: null,
              peakRssMb: idle.laterMb,
              throughput: null,
              runs: 1,
              extra: { 'RSS MB once watching': idle.afterPassMb },
            },
          ]),
    ]);
  } finally {
    await server.destroy();
    if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

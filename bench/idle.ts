/**
 * `npm run bench -- idle [--count 100000] [--minutes 60] [--every 60] [--one-process yes] [--log FILE]`
 *
 * The idle app's memory on a large mailbox, over time. `count` messages of the IMAP bench's corpus
 * (bench/lib/imap-corpus.ts, cached in .cache/bench/) in a private Dovecot's INBOX are synced once with
 * `homing sync` (timed: wall, CPU, peak RSS), then `homing sync --watch` on that store (the service and its
 * sync worker in one process, as the app runs them) finds nothing new and watches INBOX with IDLE for
 * `minutes`, nothing arriving. Its resident set (every thread; anonymous and file-backed apart) is read from
 * /proc once it watches and every `every` seconds after, each sample printed and appended to `--log`
 * (default .cache/bench/logs/idle-COUNT.samples). Prints the first, highest and last sample; asserts nothing.
 * `--one-process yes`: no separate `homing sync`; `homing sync --watch` on the empty store makes the first sync
 * itself and then watches, as the app does (what that sync's threads and buffers leave is then measured too;
 * the "sync" line is the time until it watches, and its peak is the watching process's).
 * The goal (bench/README.md): under 150 MB at 100,000 messages, after a sync and after an hour of watching.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startDovecot } from '../test/servers/dovecot';
import { buildCli } from './lib/built-cli';
import { addImapAccount, IMAP_PASSWORD_ENV, memoryOf, startWatching, type ProcessMemory } from './lib/homing-imap';
import { timed } from './lib/timed';
import { placeImapCorpus } from './lib/imap-corpus';
import { reportResults } from './lib/report';
import { arg } from './lib/bench-arg';

const root = process.cwd();
const count = Number(arg('count', '100000'));
const minutes = Number(arg('minutes', '60'));
const everyS = Number(arg('every', '60'));
const oneProcess = arg('one-process', 'no') === 'yes';
const logPath = arg('log', join(root, '.cache', 'bench', 'logs', `idle-${count}${oneProcess ? '-one-process' : ''}.samples`));

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const load = () => loadavg()[0]!.toFixed(2);

interface Sample extends ProcessMemory {
  /** Seconds since the service started watching. */
  atS: number;
  load1: string;
}

function describe(s: Sample): string {
  return `${new Date().toISOString()} +${fmt(s.atS)} s: RSS ${fmt(s.rssMb, 1)} MB (anon ${fmt(s.anonMb, 1)}, file ${fmt(s.fileMb, 1)}; peak so far ${fmt(s.peakMb, 1)}), load ${s.load1}`;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'homing-bench-idle-'));
  mkdirSync(dirname(logPath), { recursive: true });
  writeFileSync(logPath, `# idle ${count} messages, ${minutes} min, a sample every ${everyS} s; ${cpus().length} CPUs\n`);
  const log = (line: string) => {
    process.stderr.write(`${line}\n`);
    appendFileSync(logPath, `${line}\n`);
  };
  const server = await startDovecot();
  try {
    process.stderr.write(`placing ${count} messages (written once, cached in .cache/bench/)… `);
    const bytes = placeImapCorpus(root, server.maildir('alice'), count);
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', '65534:65534', join(server.dir, 'mail')]);
    process.stderr.write(`${fmt(bytes / 1e6)} MB\n`);

    const homing = buildCli(root, 'idle');
    const env = { ...process.env, [IMAP_PASSWORD_ENV]: 'alice-secret' };
    const dataDir = mkdtempSync(join(work, 'homing-'));
    addImapAccount(homing, dataDir, server, env);
    log(`${new Date().toISOString()} sync of ${count} messages starting${oneProcess ? ' (in the watching process)' : ''}, load ${load()}`);
    const syncStart = performance.now();
    const sync = oneProcess ? null : await timed(process.execPath, [homing, '--data-dir', dataDir, 'sync'], env);
    if (sync) log(`${new Date().toISOString()} sync: ${fmt(sync.wallS, 1)} s wall, ${fmt(sync.cpuS, 1)} s CPU, peak RSS ${fmt(sync.peakRssMb)} MB, load ${load()}`);

    const watcher = await startWatching(homing, dataDir, env);
    const startedAt = performance.now();
    if (!sync) log(`${new Date().toISOString()} sync --watch watching after ${fmt((startedAt - syncStart) / 1000, 1)} s, load ${load()}`);
    const samples: Sample[] = [];
    const sample = () => {
      const s: Sample = { atS: (performance.now() - startedAt) / 1000, load1: load(), ...memoryOf(watcher.child.pid!) };
      samples.push(s);
      log(describe(s));
    };
    try {
      sample();
      const endAt = startedAt + minutes * 60_000;
      // A second's slack: a timer can fire a little early, and a sample a few milliseconds after the last says nothing.
      while (endAt - performance.now() > 1000) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(everyS * 1000, endAt - performance.now())));
        if (watcher.child.exitCode !== null) throw new Error(`homing sync --watch exited with ${watcher.child.exitCode} while watching`);
        sample();
      }
    } finally {
      await watcher.stop();
    }

    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    const highest = samples.reduce((a, b) => (b.rssMb > a.rssMb ? b : a));
    const lines = [
      `Idle app on ${count} messages (${fmt(bytes / 1e6)} MB): homing sync --watch (service + sync worker, one process) watching INBOX with IDLE, nothing arriving`,
      '',
      sync
        ? `sync first: ${fmt(sync.wallS, 1)} s, CPU ${fmt(sync.cpuS, 1)} s, peak RSS ${fmt(sync.peakRssMb)} MB`
        : `synced by the watching process itself: watching after ${fmt((startedAt - syncStart) / 1000, 1)} s`,
      '',
      '| when | RSS (MB) | anonymous (MB) | file-backed (MB) |',
      '| --- | ---: | ---: | ---: |',
      `| once watching, after its pass | ${fmt(first.rssMb)} | ${fmt(first.anonMb)} | ${fmt(first.fileMb)} |`,
      `| highest (+${fmt(highest.atS / 60, 1)} min) | ${fmt(highest.rssMb)} | ${fmt(highest.anonMb)} | ${fmt(highest.fileMb)} |`,
      `| after ${fmt(last.atS / 60, 1)} min | ${fmt(last.rssMb)} | ${fmt(last.anonMb)} | ${fmt(last.fileMb)} |`,
      '',
      `peak RSS of the watching process over its life (VmHWM, its own pass included): ${fmt(last.peakMb)} MB; goal < 150 MB at 100k`,
      `${samples.length} samples in ${logPath}; load average at the end: ${load()} on ${cpus().length} CPUs`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const row = (metric: string, s: Sample) => ({
      size: count,
      metric,
      tool: 'homing',
      homing: true,
      wallS: null,
      peakRssMb: s.rssMb,
      throughput: null,
      runs: 1,
      extra: { 'anonymous MB': Number(fmt(s.anonMb, 1)), 'file-backed MB': Number(fmt(s.fileMb, 1)) },
    });
    reportResults('idle', [
      row('idle RSS: sync --watch once watching after a sync', first),
      row(`idle RSS: sync --watch after ${fmt(last.atS / 60)} min watching`, last),
      { ...row(`idle RSS: sync --watch highest over ${fmt(last.atS / 60)} min`, highest), extra: { 'at min': Number(fmt(highest.atS / 60, 1)) } },
    ]);
  } finally {
    await server.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * `npm run bench [-- --sizes 1k,10k,100k] [--only store,imap,pop3,ui] [--runs N] [--reuse-notmuch]
 * [--out bench/results/latest.json] [--merge] [--skip BENCH@SIZE=REASON] [--getmail]`
 *
 * Runs every benchmark at every size that fits this machine, one child process per benchmark and size
 * (bench/NAME.ts, bundled by bench/run.mjs into .cache/bench/NAME.cjs), each against its own private
 * loopback servers. Each child prints its own table (kept in the log and in the JSON) and hands its
 * rows over through bench/lib/report.ts; this prints ONE table of Homing beside each installed peer,
 * with the ratios, and writes the whole run (machine, load, rows, skips, each bench's own table) as JSON.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { REPORT_ENV, type BenchReport, type BenchRow } from './report';
import { renderSuiteTable } from './report-table';

const BENCHES = ['store', 'imap', 'pop3', 'ui'] as const;
type BenchName = (typeof BENCHES)[number];
const DEFAULT_SIZES = [1000, 10_000, 100_000];
/** Average bytes per message of each bench's corpus (bench/lib/*-corpus.ts), for the disk check. */
const BYTES_PER_MESSAGE: Record<BenchName, number> = { store: 4_900, imap: 46_000, pop3: 46_000, ui: 1_000 };
/** Copies of the corpus a run keeps on disk at once (server Maildir, Homing's store, a peer's copy). */
const COPIES = 3;

export interface SuiteRun {
  bench: BenchName;
  size: number;
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  startedAt?: string;
  seconds?: number;
  loadAtStart?: number[];
  loadAtEnd?: number[];
  rows: BenchRow[];
  notes?: string[];
  /** The bench's own table, as it printed it (stdout). */
  output?: string;
}

export interface SuiteResult {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: {
    cpuModel: string;
    cores: number;
    memoryGb: number;
    freeMemoryGbAtStart: number;
    kernel: string;
    node: string;
    loadAtStart: number[];
    loadAtEnd: number[];
    sharedNote: string;
  };
  git: { commit: string; dirty: boolean };
  /** Later `--merge` invocations that replaced some benches' runs in this file. */
  merged?: Array<{ at: string; command: string; commit: string; load: number[] }>;
  peers: Record<string, string | null>;
  runs: SuiteRun[];
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(k|m)?$/i.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text} (use e.g. 1k,10k,100k or 1000)`);
  return Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1000 : m[2]?.toLowerCase() === 'm' ? 1_000_000 : 1));
}

function firstLine(command: string, args: string[]): string | null {
  if (!existsSync(command)) return null;
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 5000 });
  const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').find((l) => l.trim() && !/WARNING/.test(l));
  return text?.trim() ?? null;
}

function peerVersions(): Record<string, string | null> {
  return {
    dovecot: firstLine('/usr/sbin/dovecot', ['--version']),
    mbsync: firstLine('/usr/bin/mbsync', ['--version']),
    // "This is fetchmail release 6.4.37+GSS+NTLM+…": the version without its build flags.
    fetchmail: firstLine('/usr/bin/fetchmail', ['-V'])?.replace(/^.*release (\d[^+\s]*).*$/, 'fetchmail $1') ?? null,
    getmail: firstLine('/usr/bin/getmail', ['--version']),
    notmuch: firstLine('/usr/bin/notmuch', ['--version']),
    chromium: firstLine('/usr/bin/chromium', ['--version']),
  };
}

/** Why `bench` at `size` does not fit here (null when it does). `explicit`: the user asked for this size. */
function skipReason(bench: BenchName, size: number, explicit: boolean, root: string): string | null {
  const need = BYTES_PER_MESSAGE[bench] * size * COPIES;
  const fs = statfsSync(root);
  const free = fs.bavail * fs.bsize;
  if (free < need * 1.2) return `needs ~${(need / 1e9).toFixed(1)} GB of disk, ${(free / 1e9).toFixed(1)} GB free`;
  if ((bench === 'imap' || bench === 'pop3') && size >= 100_000 && !explicit) {
    return (
      `not by default: a ${((BYTES_PER_MESSAGE[bench] * size) / 1e9).toFixed(1)} GB corpus delivered into Dovecot, ` +
      `then a warm-up and at least 3 full syncs (homing and each peer) of it take over an hour on ${cpus().length} shared cores; ` +
      `ask for it with --sizes 100k --only ${bench}`
    );
  }
  return null;
}

/** The arguments that make bench/NAME.ts measure `size` messages. */
function benchArgs(bench: BenchName, size: number, options: { runs?: string; reuseNotmuch: boolean; large: boolean; getmail: boolean }): string[] {
  switch (bench) {
    case 'store':
      return ['--sizes', String(size), ...(options.reuseNotmuch ? ['--reuse-notmuch'] : []), ...(options.large ? [] : ['--no-large'])];
    case 'ui':
      // The composer's figures do not depend on the folder's size: measured once, beside the largest.
      return ['--sizes', String(size), ...(options.runs ? ['--runs', options.runs] : []), ...(options.large ? [] : ['--no-composer'])];
    case 'imap':
      return ['--count', String(size), ...(options.runs ? ['--runs', options.runs] : [])];
    case 'pop3':
      // getmail6 is opt-in in bench/pop3.ts: Debian 12's 6.18 can hang for good (its SIGCHLD/wait race).
      return ['--count', String(size), ...(options.runs ? ['--runs', options.runs] : []), ...(options.getmail ? ['--getmail'] : [])];
  }
}

function runOne(entry: string, args: string[], root: string, reportPath: string, logPath: string, label: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [entry, ...args], {
      cwd: root,
      env: { ...process.env, [REPORT_ENV]: reportPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let log = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      output += text;
      log += text;
    });
    // Progress lines pass through, prefixed, so a long run shows where it is.
    let partial = '';
    child.stderr.on('data', (text: string) => {
      log += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) process.stderr.write(`[${label}] ${line}\n`);
    });
    child.on('close', (code) => {
      if (partial) process.stderr.write(`[${label}] ${partial}\n`);
      writeFileSync(logPath, log);
      done({ code: code ?? 1, output });
    });
  });
}

/**
 * `argv`: the suite's options (see the top of this file; `--merge` reruns only the `--only` benches and
 * replaces their runs in an existing results file). `outdir`: where run.mjs bundled the benches.
 */
export async function runSuite(argv: string[], root: string, outdir: string): Promise<void> {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizesArg = option('--sizes');
  const sizes = sizesArg ? sizesArg.split(',').map(parseSize) : [...DEFAULT_SIZES];
  const only = (option('--only') ?? BENCHES.join(',')).split(',').map((s) => s.trim()) as BenchName[];
  for (const name of only) if (!BENCHES.includes(name)) throw new Error(`--only: unknown bench ${name} (${BENCHES.join(', ')})`);
  const out = resolve(root, option('--out') ?? join('bench', 'results', 'latest.json'));
  const runs = option('--runs');
  const reuseNotmuch = argv.includes('--reuse-notmuch');
  // --skip BENCH@SIZE=REASON (repeatable): a run that does not fit for a reason the suite cannot see
  // itself (e.g. a peer too slow for the time left), recorded as skipped with that reason.
  const manualSkips = new Map<string, string>();
  argv.forEach((arg, i) => {
    if (arg !== '--skip') return;
    const m = /^(\w+)@([\w.]+)=(.+)$/s.exec(argv[i + 1] ?? '');
    if (!m) throw new Error(`--skip wants BENCH@SIZE=REASON, got ${argv[i + 1]}`);
    manualSkips.set(`${m[1]}@${parseSize(m[2]!)}`, m[3]!);
  });
  const allSizes = [...new Set([...sizes, ...[...manualSkips.keys()].map((k) => Number(k.split('@')[1]))])].sort((a, b) => a - b);

  const startedAt = new Date();
  const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'bench', 'electron', 'shared', 'renderer'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
  const result: SuiteResult = {
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    machine: {
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memoryGb: totalmem() / 2 ** 30,
      freeMemoryGbAtStart: freemem() / 2 ** 30,
      kernel: release(),
      node: process.version,
      loadAtStart: loadavg(),
      loadAtEnd: [],
      sharedNote: 'the machine may be shared: load averages are recorded at the start and end of every bench run',
    },
    git: { commit, dirty },
    peers: peerVersions(),
    runs: [],
  };

  // --merge: rerun some benches and sizes (e.g. after an optimisation landed) and replace only those runs in `out`.
  let kept: SuiteRun[] = [];
  if (argv.includes('--merge') && existsSync(out)) {
    const previous = JSON.parse(readFileSync(out, 'utf8')) as SuiteResult;
    kept = previous.runs;
    const merged = [...(previous.merged ?? []), { at: result.startedAt, command: result.command, commit, load: loadavg() }];
    Object.assign(result, { startedAt: previous.startedAt, machine: previous.machine, git: previous.git, merged });
  }
  const order = (r: SuiteRun) => BENCHES.indexOf(r.bench) * 1e9 + r.size;
  const save = () => {
    result.finishedAt = new Date().toISOString();
    result.machine.loadAtEnd = loadavg();
    const fresh = result.runs;
    // A merge replaces exactly the bench and size pairs run (or skipped) this time.
    const rerun = new Set(fresh.map((r) => `${r.bench}@${r.size}`));
    const all = { ...result, runs: [...kept.filter((r) => !rerun.has(`${r.bench}@${r.size}`)), ...fresh].sort((a, b) => order(a) - order(b)) };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(all, null, 2)}\n`);
    return all;
  };

  const logDir = join(outdir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const largest = (bench: BenchName) => Math.max(...sizes.filter((s) => !skipReason(bench, s, sizesArg !== undefined, root)));
  for (const bench of only) {
    for (const size of allSizes) {
      if (!sizes.includes(size) && !manualSkips.has(`${bench}@${size}`)) continue;
      const reason = manualSkips.get(`${bench}@${size}`) ?? skipReason(bench, size, sizesArg !== undefined, root);
      if (reason) {
        process.stderr.write(`[${bench} ${size}] skipped: ${reason}\n`);
        result.runs.push({ bench, size, status: 'skipped', reason, rows: [] });
        continue;
      }
      const label = `${bench} ${size}`;
      const reportPath = join(outdir, `report-${bench}-${size}.json`);
      const logPath = join(logDir, `${bench}-${size}.log`);
      rmSync(reportPath, { force: true });
      const run: SuiteRun = { bench, size, status: 'ok', startedAt: new Date().toISOString(), loadAtStart: loadavg(), rows: [] };
      process.stderr.write(`[${label}] starting (load ${loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
      const t = performance.now();
      // The 50 MB single-message case of the store bench once, beside its largest corpus.
      const args = benchArgs(bench, size, { ...(runs ? { runs } : {}), reuseNotmuch, large: size === largest(bench), getmail: argv.includes('--getmail') });
      const { code, output } = await runOne(join(outdir, `${bench}.cjs`), args, root, reportPath, logPath, label);
      run.seconds = (performance.now() - t) / 1000;
      run.loadAtEnd = loadavg();
      run.output = output;
      if (existsSync(reportPath)) {
        const report = JSON.parse(readFileSync(reportPath, 'utf8')) as BenchReport;
        run.rows = report.rows;
        if (report.notes) run.notes = report.notes;
      }
      if (code !== 0 || run.rows.length === 0) {
        run.status = 'failed';
        run.reason = code !== 0 ? `exited with ${code}; see ${relative(root, logPath)}` : `reported no rows; see ${relative(root, logPath)}`;
      }
      process.stderr.write(`[${label}] ${run.status} in ${run.seconds.toFixed(0)} s\n`);
      result.runs.push(run);
      // Written after every bench so a long run interrupted late still leaves what it measured.
      save();
    }
  }
  const all = save();
  process.stdout.write(`${renderSuiteTable(all)}\n\nwritten: ${relative(root, out)}\n`);
  if (result.runs.some((r) => r.status === 'failed')) process.exitCode = 1;
}

export { renderSuiteTable } from './report-table';

/**
 * `npm run bench -- store [--sizes 1000,10000,100000] [--dir DIR] [--no-notmuch | --reuse-notmuch]`
 *
 * For each size: writes a deterministic corpus as a Maildir (bench/lib/store-corpus.ts), imports it
 * into a fresh store in a child process (so its peak RSS is the import's alone), then measures the
 * first page of the folder and a fixed set of searches on the read-only connection, as the app does.
 * Where notmuch is installed it indexes the same files (`notmuch new`) and runs the same searches
 * (in-process through its Python bindings when python3-notmuch2 is installed, else through its CLI,
 * which adds a process start to every query). Then the CLI's reading commands as whole processes
 * (`homing search`, `list`, `folders`, `show`), beside `notmuch search` and `notmuch show`, alternating.
 * Prints one table; asserts nothing.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseMessage } from '../electron/mime/parse-message';
import { findFolderByPath, localFolderInput, upsertFolder } from '../electron/store/folders';
import { commitMessage } from '../electron/store/ingest';
import { attachmentBytes, messageDetail } from '../electron/store/message-detail';
import { writeTransaction } from '../electron/store/write-transaction';
import { importMail } from '../electron/store/import-mail';
import { listMessagePage } from '../electron/store/message-list';
import { closeDb, openReadDb, openWriteDb } from '../electron/store/open';
import { searchMessages } from '../electron/store/search';
import { buildCli } from './lib/built-cli';
import { perSecond, reportResults, type BenchRow } from './lib/report';
import { mulberry32, writeCorpus, type CorpusWords } from './lib/store-corpus';

interface QueryPair {
  label: string;
  homing: string;
  /** null: notmuch has no such operator (sizes). */
  notmuch: string | null;
}

function querySet(w: CorpusWords): QueryPair[] {
  return [
    { label: 'common word', homing: w.common, notmuch: w.common },
    { label: 'mid word', homing: w.mid, notmuch: w.mid },
    { label: 'rare word', homing: w.rare, notmuch: w.rare },
    { label: 'two words', homing: `${w.mid} ${w.common}`, notmuch: `${w.mid} and ${w.common}` },
    { label: 'phrase', homing: `"${w.bigram[0]} ${w.bigram[1]}"`, notmuch: `"${w.bigram[0]} ${w.bigram[1]}"` },
    { label: 'from:', homing: `from:${w.person}`, notmuch: `from:${w.person}` },
    { label: 'to: + word', homing: `to:olga ${w.mid}`, notmuch: `to:olga and ${w.mid}` },
    { label: 'subject:', homing: `subject:${w.mid}`, notmuch: `subject:${w.mid}` },
    { label: 'has:attachment word', homing: `has:attachment ${w.common}`, notmuch: `tag:attachment and ${w.common}` },
    { label: 'is:unread word', homing: `is:unread ${w.mid}`, notmuch: `tag:unread and ${w.mid}` },
    { label: 'date range word', homing: `after:2021-01-01 before:2022-01-01 ${w.common}`, notmuch: `date:2021-01-01..2021-12-31 and ${w.common}` },
    { label: 'CJK word', homing: '会議', notmuch: '会議' },
    { label: 'Cyrillic word', homing: 'москва', notmuch: 'москва' },
    { label: 'no match', homing: 'zzqqxxnothing', notmuch: 'zzqqxxnothing' },
    { label: 'word OR word', homing: `${w.mid} OR ${w.rare}`, notmuch: `${w.mid} or ${w.rare}` },
    { label: 'from: OR is:unread', homing: `from:${w.person} OR is:unread`, notmuch: `from:${w.person} or tag:unread` },
    { label: 'larger: word', homing: `larger:10K ${w.common}`, notmuch: null },
  ];
}

const RUNS = 9;
/** Rounds of each whole-process CLI command, Homing and notmuch alternating (medians of these). */
const CLI_ROUNDS = 3;

/**
 * The CLI's searches as whole processes, beside `notmuch search` (both print their newest 200 matches):
 * a process start is most of what a reading command costs, so this is what a user at a terminal sees.
 */
function cliQueries(w: CorpusWords): QueryPair[] {
  return [
    { label: 'common word', homing: w.common, notmuch: w.common },
    { label: 'rare word', homing: w.rare, notmuch: w.rare },
    { label: 'phrase', homing: `"${w.bigram[0]} ${w.bigram[1]}"`, notmuch: `"${w.bigram[0]} ${w.bigram[1]}"` },
    { label: 'from:', homing: `from:${w.person}`, notmuch: `from:${w.person}` },
    { label: 'subject:', homing: `subject:${w.mid}`, notmuch: `subject:${w.mid}` },
    { label: 'date range word', homing: `after:2021-01-01 before:2022-01-01 ${w.common}`, notmuch: `date:2021-01-01..2021-12-31 and ${w.common}` },
  ];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (values: number[]) => percentile(values, 50);

function dirSize(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + dirSize(join(path, name)), 0);
}

/** Child mode: store one large message from a file source, read it back, report times and peak RSS. */
async function childLarge(path: string, dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const db = openWriteDb(join(dataDir, 'homing.sqlite'));
  const folder = writeTransaction(db, (changes) => upsertFolder(db, changes, 'local', localFolderInput('Large')));
  const baseline = process.memoryUsage().rss;
  const source = { kind: 'file' as const, path, size: statSync(path).size };
  let t = performance.now();
  const parsed = await parseMessage(source);
  const stored = writeTransaction(db, (changes) => commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' }, source, parsed }));
  const ingestMs = performance.now() - t;
  const ingestRssMb = process.resourceUsage().maxRSS / 1024;
  t = performance.now();
  const detail = await messageDetail(db, stored.messageId);
  const openMs = performance.now() - t;
  const openRssMb = process.resourceUsage().maxRSS / 1024;
  t = performance.now();
  const attachment = await attachmentBytes(db, stored.messageId, detail.attachmentList[0]!.id);
  const attachmentMs = performance.now() - t;
  closeDb(db);
  process.stdout.write(
    JSON.stringify({
      size: source.size, ingestMs, openMs, attachmentMs, attachmentBytes: attachment.bytes.length, baselineMb: baseline / 1048576,
      ingestRssMb, openRssMb, maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

function writeLargeMessage(path: string, bytes: number): void {
  const out = openSync(path, 'w');
  writeSync(out, 'From: big@example.org\r\nTo: reader@example.net\r\nSubject: A 50 MB attachment\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n');
  writeSync(out, 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe video is attached.\r\n');
  writeSync(out, '--b\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename="holiday.mp4"\r\nContent-Transfer-Encoding: base64\r\n\r\n');
  const rand = mulberry32(50);
  const raw = Buffer.alloc(57 * 1000);
  for (let written = 0; written < (bytes * 3) / 4; written += raw.length) {
    for (let k = 0; k < raw.length; k++) raw[k] = Math.floor(rand() * 256);
    const b64 = raw.toString('base64');
    const lines: string[] = [];
    for (let k = 0; k < b64.length; k += 76) lines.push(b64.slice(k, k + 76));
    writeSync(out, `${lines.join('\r\n')}\r\n`);
  }
  writeSync(out, '--b--\r\n');
  closeSync(out);
}

/** Child mode: import the Maildir into a fresh store and report wall time and peak RSS. */
async function childImport(maildir: string, dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const db = openWriteDb(join(dataDir, 'homing.sqlite'));
  const started = performance.now();
  const result = await importMail(db, { path: maildir, accountId: 'local', folderPath: 'INBOX' });
  const ms = performance.now() - started;
  closeDb(db);
  process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, ...result }));
}

interface SideResult {
  /** Wall seconds of the import (homing) or `notmuch new` (notmuch). */
  ingestS: number;
  ingestPerSec: number;
  peakRssMb: number;
  dbBytes: number;
  firstPageMs: number | null;
  searchMedianMs: number;
  searchP95Ms: number;
  perQuery: Map<string, number>;
}

function runHoming(maildir: string, dataDir: string, count: number): SideResult {
  rmSync(dataDir, { recursive: true, force: true });
  const child = spawnSync(process.execPath, [process.argv[1]!, '--child-import', maildir, dataDir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`import child failed: ${child.stderr}`);
  const imported = JSON.parse(child.stdout) as { ms: number; maxRssKb: number; imported: number; unparsable: number };
  if (imported.imported !== count) console.error(`note: imported ${imported.imported} of ${count} (same bytes are stored once)`);
  const dbPath = join(dataDir, 'homing.sqlite');
  const db = openReadDb(dbPath);
  const folder = findFolderByPath(db, 'local', 'INBOX')!;
  // First page: a fresh connection each time (statements not yet prepared), as when the app opens.
  const pageTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const fresh = openReadDb(dbPath);
    const t = performance.now();
    listMessagePage(fresh, { folderId: folder.id }, 'date-desc', null, 100);
    pageTimes.push(performance.now() - t);
    closeDb(fresh);
  }
  closeDb(db);
  return {
    ingestS: imported.ms / 1000,
    ingestPerSec: count / (imported.ms / 1000),
    peakRssMb: imported.maxRssKb / 1024,
    dbBytes: dirSize(dbPath) + dirSize(`${dbPath}-wal`),
    firstPageMs: median(pageTimes),
    searchMedianMs: 0,
    searchP95Ms: 0,
    perQuery: new Map(),
  };
}

/**
 * notmuch's side of the searches, in-process through its Python bindings: a small server that runs one
 * query per line it reads and answers with the time it took. The bench alternates one homing search and
 * one notmuch search, so both see the same machine (this one is shared; load changes from second to
 * second).
 */
const NOTMUCH_PY = `
import json, sys, time, notmuch2
db = notmuch2.Database(sys.argv[1], mode=notmuch2.Database.MODE.READ_ONLY, config=notmuch2.Database.CONFIG.EMPTY)
def once(q):
    total = db.count_messages(q)
    n = 0
    for m in db.messages(q, sort=notmuch2.Database.SORT.NEWEST_FIRST):
        m.header('subject'); m.header('from'); m.date
        n += 1
        if n >= 200: break
    return total
print('ready', flush=True)
for line in sys.stdin:
    q = json.loads(line)
    t = time.perf_counter(); once(q); ms = (time.perf_counter() - t) * 1000
    print(json.dumps(ms), flush=True)
`;

/** Answers `run(query)` with notmuch's time for it (ms), or null when the Python bindings are missing. */
async function startNotmuchServer(maildir: string, env: NodeJS.ProcessEnv): Promise<{ run(query: string): Promise<number>; stop(): void } | null> {
  const child = spawn('/usr/bin/python3', ['-c', NOTMUCH_PY, maildir], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdout.setEncoding('utf8');
  const lines: string[] = [];
  const waiting: Array<(line: string | null) => void> = [];
  let buffered = '';
  child.stdout.on('data', (text: string) => {
    buffered += text;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  child.on('exit', () => waiting.splice(0).forEach((w) => w(null)));
  const nextLine = () => new Promise<string | null>((resolve) => (lines.length > 0 ? resolve(lines.shift()!) : waiting.push(resolve)));
  if ((await nextLine()) !== 'ready') return null;
  return {
    async run(query) {
      child.stdin.write(`${JSON.stringify(query)}\n`);
      const line = await nextLine();
      if (line === null) throw new Error('the notmuch search helper stopped');
      return Number(line);
    },
    stop: () => child.stdin.end(),
  };
}

function runNotmuch(maildir: string, count: number, work: string, reuse: boolean): SideResult | null {
  if (!existsSync('/usr/bin/notmuch')) return null;
  const config = join(work, 'notmuch-config');
  writeFileSync(
    config,
    `[database]\npath=${maildir}\n[user]\nname=Reader\nprimary_email=reader@example.net\n[new]\ntags=unread;inbox;\n[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=true\n`,
  );
  const env = { ...process.env, NOTMUCH_CONFIG: config };
  // notmuch's index of a corpus does not change between runs of this bench: --reuse-notmuch keeps it
  // (and its indexing numbers) and only measures the searches again.
  const saved = join(work, `notmuch-${count}.json`);
  let indexing: { ms: number; maxRssKb: number };
  let indexedNow = false;
  if (reuse && existsSync(saved) && existsSync(join(maildir, '.notmuch'))) {
    indexing = JSON.parse(readFileSync(saved, 'utf8')) as typeof indexing;
  } else {
    rmSync(join(maildir, '.notmuch'), { recursive: true, force: true });
    const started = performance.now();
    const indexed = spawnSync('/usr/bin/time', ['-f', '%M', '/usr/bin/notmuch', 'new', '--quiet'], { env, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (indexed.status !== 0) throw new Error(`notmuch new failed: ${indexed.stderr}`);
    indexing = { ms, maxRssKb: Number(indexed.stderr.trim().split('\n').pop()) };
    indexedNow = true;
    writeFileSync(saved, JSON.stringify(indexing));
  }
  const { ms, maxRssKb } = indexing;
  notmuchReused = !indexedNow;
  return {
    ingestS: ms / 1000,
    ingestPerSec: count / (ms / 1000),
    peakRssMb: maxRssKb / 1024,
    dbBytes: dirSize(join(maildir, '.notmuch')),
    firstPageMs: null,
    searchMedianMs: 0,
    searchP95Ms: 0,
    perQuery: new Map(),
  };
}

/**
 * The query set on both sides, alternating one homing and one notmuch run per step (after one warm-up
 * each), so that load from other processes hits both alike. notmuch in-process when python3-notmuch2
 * is installed, else its CLI (which adds a process start to every query).
 */
async function runSearches(homing: SideResult, notmuch: SideResult | null, dbPath: string, maildir: string, queries: QueryPair[], work: string): Promise<void> {
  const db = openReadDb(dbPath);
  const env = { ...process.env, NOTMUCH_CONFIG: join(work, 'notmuch-config') };
  const server = notmuch ? await startNotmuchServer(maildir, env) : null;
  notmuchMode = server ? 'in-process (python3-notmuch2)' : 'CLI (`notmuch search`, includes process start)';
  const runNotmuchOnce = async (q: string) => {
    if (server) return server.run(q);
    const t = performance.now();
    execFileSync('/usr/bin/notmuch', ['search', '--output=messages', '--limit=200', q], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    return performance.now() - t;
  };
  const homingSamples: number[] = [];
  const notmuchSamples: number[] = [];
  for (const q of queries) {
    searchMessages(db, q.homing, { limit: 200 });
    const notmuchQuery = notmuch ? q.notmuch : null;
    if (notmuchQuery !== null) await runNotmuchOnce(notmuchQuery);
    const h: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      searchMessages(db, q.homing, { limit: 200 });
      h.push(performance.now() - t);
      if (notmuchQuery !== null) n.push(await runNotmuchOnce(notmuchQuery));
    }
    homingSamples.push(...h);
    notmuchSamples.push(...n);
    homing.perQuery.set(q.label, median(h));
    if (notmuch && notmuchQuery !== null) notmuch.perQuery.set(q.label, median(n));
  }
  server?.stop();
  closeDb(db);
  homing.searchMedianMs = median(homingSamples);
  homing.searchP95Ms = percentile(homingSamples, 95);
  if (notmuch) {
    notmuch.searchMedianMs = median(notmuchSamples);
    notmuch.searchP95Ms = percentile(notmuchSamples, 95);
  }
}

/**
 * Wall milliseconds of one whole process, its output discarded (both tools alike), and its CPU (user +
 * system, from /usr/bin/time: 10 ms steps) — on a shared machine the wall time of a short process is
 * mostly its wait for a core.
 */
function processMs(command: string, args: string[], env: NodeJS.ProcessEnv): { wallMs: number; cpuMs: number } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', command, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (user! + sys!) * 1000 };
}

interface CliTimes {
  label: string;
  homingMs: number;
  homingCpuMs: number;
  notmuchMs: number | null;
  notmuchCpuMs: number | null;
}

/**
 * The reading commands as a user runs them at a terminal (`homing search`, `list`, `folders`, `show`),
 * each a whole process from spawn to exit, beside notmuch's nearest command where it has one: after one
 * warm-up each, CLI_ROUNDS rounds with the two alternating, medians.
 */
function runCliCommands(homingCli: string, dataDir: string, maildir: string, work: string, words: CorpusWords, withNotmuch: boolean): { searches: CliTimes[]; commands: CliTimes[] } {
  // A user's shell has no NODE_EXTRA_CA_CERTS; some build machines set it, and Node then parses that
  // bundle of certificates before running anything (~60 ms of CPU here). The reading commands make no
  // TLS connection, so the figure is taken as a user meets it. notmuch reads neither.
  const env: NodeJS.ProcessEnv = { ...process.env, NOTMUCH_CONFIG: join(work, 'notmuch-config') };
  delete env.NODE_EXTRA_CA_CERTS;
  const homing = (args: string[]) => processMs(process.execPath, [homingCli, '--data-dir', dataDir, ...args], env);
  const notmuch = (args: string[]) => processMs('/usr/bin/notmuch', args, env);
  const db = openReadDb(join(dataDir, 'homing.sqlite'));
  const newest = db.sqlite.prepare('SELECT id, message_id AS messageId FROM messages WHERE message_id IS NOT NULL ORDER BY date DESC LIMIT 1').get() as { id: number; messageId: string };
  closeDb(db);
  const measure = (label: string, homingArgs: string[], notmuchArgs: string[] | null): CliTimes => {
    homing(homingArgs);
    const peer = withNotmuch ? notmuchArgs : null;
    if (peer) notmuch(peer);
    const h: Array<{ wallMs: number; cpuMs: number }> = [];
    const n: Array<{ wallMs: number; cpuMs: number }> = [];
    for (let i = 0; i < CLI_ROUNDS; i++) {
      h.push(homing(homingArgs));
      if (peer) n.push(notmuch(peer));
    }
    return {
      label,
      homingMs: median(h.map((r) => r.wallMs)),
      homingCpuMs: median(h.map((r) => r.cpuMs)),
      notmuchMs: peer ? median(n.map((r) => r.wallMs)) : null,
      notmuchCpuMs: peer ? median(n.map((r) => r.cpuMs)) : null,
    };
  };
  const searches = cliQueries(words).map((q) => measure(q.label, ['search', q.homing], ['search', '--limit=200', q.notmuch!]));
  const commands = [
    measure('list (the whole folder)', ['list', '--folder', 'INBOX'], ['search', '--output=summary', '--sort=newest-first', '*']),
    measure('folders', ['folders'], null),
    measure('show (the newest message)', ['show', String(newest.id)], ['show', '--format=text', `id:${newest.messageId.replace(/^<|>$/g, '')}`]),
  ];
  return { searches, commands };
}

let notmuchMode = '';
/** True when --reuse-notmuch took notmuch's indexing figures from an earlier run. */
let notmuchReused = false;

function fmt(n: number | null, digits = 1): string {
  return n === null ? '—' : n >= 100 ? n.toFixed(0) : n.toFixed(digits);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child-import') return childImport(args[1]!, args[2]!);
  if (args[0] === '--child-large') return childLarge(args[1]!, args[2]!);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sizes = (option('--sizes') ?? '1000,10000,100000').split(',').map(Number);
  const work = resolve(option('--dir') ?? join('.cache', 'bench', 'store-data'));
  const useNotmuch = !args.includes('--no-notmuch');
  mkdirSync(work, { recursive: true });
  const homingCli = buildCli(process.cwd(), 'store');
  const rows: string[][] = [];
  const details: string[] = [];
  const reportRows: BenchRow[] = [];
  for (const size of sizes) {
    const maildir = join(work, `corpus-${size}`);
    const marker = join(maildir, '.complete');
    let stats: ReturnType<typeof writeCorpus>;
    if (existsSync(marker)) {
      stats = JSON.parse(readFileSync(marker, 'utf8')) as ReturnType<typeof writeCorpus>;
    } else {
      rmSync(maildir, { recursive: true, force: true });
      process.stderr.write(`writing a corpus of ${size} messages…\n`);
      stats = writeCorpus(maildir, size);
      writeFileSync(marker, JSON.stringify(stats));
    }
    const queries = querySet(stats.words);
    process.stderr.write(`homing: importing ${size} messages…\n`);
    const homing = runHoming(maildir, join(work, `homing-${size}`), size);
    process.stderr.write(useNotmuch ? `notmuch: indexing ${size} messages…\n` : '');
    const notmuch = useNotmuch ? runNotmuch(maildir, size, work, args.includes('--reuse-notmuch')) : null;
    process.stderr.write(`searching (${queries.length} queries × ${RUNS} runs${notmuch ? ', homing and notmuch alternating' : ''})…\n`);
    await runSearches(homing, notmuch, join(work, `homing-${size}`, 'homing.sqlite'), maildir, queries, work);
    process.stderr.write(`the CLI as whole processes (${CLI_ROUNDS} rounds${notmuch ? ', homing and notmuch alternating' : ''})…\n`);
    const cli = runCliCommands(homingCli, join(work, `homing-${size}`), maildir, work, stats.words, notmuch !== null);
    const raw = stats.bytes;
    const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '—');
    rows.push([
      String(size),
      fmt(homing.ingestPerSec, 0),
      notmuch ? fmt(notmuch.ingestPerSec, 0) : '—',
      ratio(homing.ingestPerSec, notmuch?.ingestPerSec),
      fmt(homing.peakRssMb, 0),
      notmuch ? fmt(notmuch.peakRssMb, 0) : '—',
      `${(raw / 1048576).toFixed(0)} MB`,
      `${(homing.dbBytes / 1048576).toFixed(0)} MB (${(homing.dbBytes / raw).toFixed(2)}×)`,
      notmuch ? `${(notmuch.dbBytes / 1048576).toFixed(0)} MB (${(notmuch.dbBytes / raw).toFixed(2)}×)` : '—',
      fmt(homing.firstPageMs, 2),
      fmt(homing.searchMedianMs, 2),
      notmuch ? fmt(notmuch.searchMedianMs, 2) : '—',
      ratio(homing.searchMedianMs, notmuch?.searchMedianMs),
      fmt(homing.searchP95Ms, 2),
      notmuch ? fmt(notmuch.searchP95Ms, 2) : '—',
    ]);
    const ingestMetric = 'import Maildir + index (Homing: importMail; notmuch: notmuch new)';
    const searchMetric = `search median, ${queries.length} queries × ${RUNS}`;
    const dbRatio = (bytes: number) => `${(bytes / raw).toFixed(2)}×`;
    reportRows.push(
      {
        size, metric: ingestMetric, tool: 'homing', homing: true, wallS: homing.ingestS, peakRssMb: homing.peakRssMb,
        throughput: perSecond(size, homing.ingestS), extra: { 'DB ×raw': dbRatio(homing.dbBytes), 'raw MB': raw / 1048576 },
      },
      {
        size, metric: searchMetric, tool: 'homing', homing: true, wallS: homing.searchMedianMs / 1000, peakRssMb: null, throughput: null, runs: RUNS,
        extra: { 'p95 ms': homing.searchP95Ms },
      },
      { size, metric: 'first page, 100 rows, fresh connection', tool: 'homing', homing: true, wallS: homing.firstPageMs === null ? null : homing.firstPageMs / 1000, peakRssMb: null, throughput: null, runs: RUNS },
    );
    if (notmuch) {
      reportRows.push(
        {
          size, metric: ingestMetric, tool: 'notmuch new', homing: false, wallS: notmuch.ingestS, peakRssMb: notmuch.peakRssMb,
          throughput: perSecond(size, notmuch.ingestS), extra: { 'DB ×raw': dbRatio(notmuch.dbBytes) },
          ...(notmuchReused ? { note: 'notmuch indexing figures reused from an earlier run (--reuse-notmuch)' } : {}),
        },
        {
          size, metric: searchMetric, tool: `notmuch ${notmuchMode.startsWith('in-process') ? '(python3-notmuch2)' : '(CLI)'}`, homing: false,
          wallS: notmuch.searchMedianMs / 1000, peakRssMb: null, throughput: null, runs: RUNS, extra: { 'p95 ms': notmuch.searchP95Ms },
        },
      );
    }
    const sum = (list: CliTimes[], pick: (t: CliTimes) => number | null) => list.reduce((total, t) => total + (pick(t) ?? 0), 0);
    const each = (list: CliTimes[], pick: (t: CliTimes) => number | null) => list.map((t) => fmt(pick(t), 0)).join(' / ');
    const cliSearchMetric = `CLI search, whole process, ${cli.searches.length} queries (sum of medians of ${CLI_ROUNDS})`;
    reportRows.push({
      size, metric: cliSearchMetric, tool: 'homing', homing: true, wallS: sum(cli.searches, (t) => t.homingMs) / 1000, peakRssMb: null, throughput: null, runs: CLI_ROUNDS,
      extra: {
        'each ms': each(cli.searches, (t) => t.homingMs),
        'slowest ms': Math.max(...cli.searches.map((t) => t.homingMs)),
        'CPU ms sum': sum(cli.searches, (t) => t.homingCpuMs),
      },
    });
    if (notmuch) {
      reportRows.push({
        size, metric: cliSearchMetric, tool: 'notmuch search --limit=200', homing: false, wallS: sum(cli.searches, (t) => t.notmuchMs) / 1000, peakRssMb: null,
        throughput: null, runs: CLI_ROUNDS, extra: { 'each ms': each(cli.searches, (t) => t.notmuchMs), 'CPU ms sum': sum(cli.searches, (t) => t.notmuchCpuMs) },
      });
    }
    const peerOf: Record<string, string> = { 'list (the whole folder)': "notmuch search --output=summary '*'", 'show (the newest message)': 'notmuch show --format=text' };
    for (const c of cli.commands) {
      const metric = `CLI ${c.label}, whole process`;
      reportRows.push({ size, metric, tool: 'homing', homing: true, wallS: c.homingMs / 1000, peakRssMb: null, throughput: null, runs: CLI_ROUNDS, extra: { 'CPU ms': c.homingCpuMs } });
      if (c.notmuchMs !== null) {
        reportRows.push({
          size, metric, tool: peerOf[c.label]!, homing: false, wallS: c.notmuchMs / 1000, peakRssMb: null, throughput: null, runs: CLI_ROUNDS, extra: { 'CPU ms': c.notmuchCpuMs! },
        });
      }
    }
    details.push(
      `\nthe CLI as whole processes at ${size}, median ms of ${CLI_ROUNDS}, wall (CPU) homing / notmuch:\n` +
        [...cli.searches.map((t) => ({ ...t, label: `search: ${t.label}` })), ...cli.commands]
          .map((t) => `  ${t.label.padEnd(28)} ${`${fmt(t.homingMs, 0)} (${fmt(t.homingCpuMs, 0)})`.padStart(12)} / ${t.notmuchMs === null ? '—' : `${fmt(t.notmuchMs, 0)} (${fmt(t.notmuchCpuMs, 0)})`}`)
          .join('\n'),
    );
    details.push(
      `\nper-query median ms at ${size} (homing / notmuch):\n` +
        queries.map((q) => `  ${q.label.padEnd(22)} ${fmt(homing.perQuery.get(q.label)!, 2).padStart(8)} / ${notmuch ? fmt(notmuch.perQuery.get(q.label) ?? null, 2) : '—'}`).join('\n'),
    );
  }
  const header = [
    'messages', 'ingest msg/s', 'notmuch msg/s', 'ingest ratio', 'peak RSS MB', 'notmuch RSS MB', 'raw size', 'homing DB (×raw)', 'notmuch DB (×raw)',
    'first page ms', 'search median ms', 'notmuch median ms', 'median ratio', 'search p95 ms', 'notmuch p95 ms',
  ];
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(details.join('\n'));
  if (!args.includes('--no-large')) {
    const path = join(work, 'large-50mb.eml');
    if (!existsSync(path)) writeLargeMessage(path, 50 * 1024 * 1024);
    const dataDir = join(work, 'homing-large');
    rmSync(dataDir, { recursive: true, force: true });
    const child = spawnSync(process.execPath, [process.argv[1]!, '--child-large', path, dataDir], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`large child failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout) as {
      size: number; ingestMs: number; openMs: number; attachmentMs: number; attachmentBytes: number; baselineMb: number; ingestRssMb: number; openRssMb: number; maxRssMb: number;
    };
    reportRows.push({
      size: 1, metric: `one ${(r.size / 1048576).toFixed(0)} MB message: parse + store (file source)`, tool: 'homing', homing: true,
      wallS: r.ingestMs / 1000, peakRssMb: r.ingestRssMb, throughput: null,
      extra: { 'open ms': r.openMs, 'open peak RSS MB': r.openRssMb, 'attachment bytes ms': r.attachmentMs, 'peak RSS MB overall': r.maxRssMb },
    });
    console.log(
      `\none ${(r.size / 1048576).toFixed(0)} MB message from a file source (process baseline ${fmt(r.baselineMb, 0)} MB RSS): ` +
        `parse + store ${fmt(r.ingestMs, 0)} ms, peak RSS ${fmt(r.ingestRssMb, 0)} MB; open (getMessage) ${fmt(r.openMs, 0)} ms, peak ${fmt(r.openRssMb, 0)} MB; ` +
        `its ${(r.attachmentBytes / 1048576).toFixed(0)} MB attachment as bytes ${fmt(r.attachmentMs, 0)} ms, peak ${fmt(r.maxRssMb, 0)} MB.`,
    );
  }
  if (useNotmuch) console.log(`\nnotmuch searches measured ${notmuchMode || 'not at all (not installed)'}; ratios are homing ÷ notmuch (ingest: higher is better; search: lower is better).`);
  reportResults('store', reportRows, [`notmuch searches ${notmuchMode || 'not measured'}`]);
  console.log(`search: ${querySet({ common: '', mid: '', rare: '', bigram: ['', ''], person: '' }).length} queries × ${RUNS} runs after one warm-up (homing and notmuch alternating), limit 200 with highlights and total count; first page: 100 rows on a fresh read connection, median of ${RUNS}.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

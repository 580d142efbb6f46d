/**
 * `npm run bench -- ui [--sizes 1000,10000,100000] [--runs 5] [--sort date-desc]`
 *
 * The message list in Debian's Chromium against the real backend (dev-web over the loopback bridge), for
 * folders of each size bulk-imported with `homing import`. For each size it prints:
 * - first rows: from the click on the folder to the first real row on screen (in-page clock, median of runs);
 * - rows mounted: options in the DOM once the folder shows (the virtual list keeps this flat);
 * - scrolling: 200 animation frames of fast scrolling, frame time p50/p95/max, frames over 50 ms, most rows mounted;
 * - jump to end: from setting the scroll to the bottom until no placeholder row is left on screen;
 * - JS heap after scrolling (Chromium's performance.memory).
 * `--sort` picks the list's order (sender-asc, subject-desc, size-desc, …) in the sort menu before the opens.
 * Then the composer (bench/lib/ui-composer.ts), once, against a private Dovecot: new message open to typing,
 * a reply to a 1 MB HTML message open to typing (medians of `--runs`), keystroke-to-paint p50/p95/max in a
 * 200 KB draft. `--no-composer` leaves it out; `--sizes none` measures the composer alone.
 * Times are printed, never asserted (bench/README.md, "What we aim for": first rows under 200 ms for 100,000 messages).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/chromium';
import { buildMessage, writeBulkMbox } from '../test/helpers/ui-corpus';
import { reportResults, perSecond, type BenchRow } from './lib/report';
import { type ComposerFigures, measureComposer } from './lib/ui-composer';
import { arg } from './lib/bench-arg';

const root = process.cwd();
const sizesArg = arg('sizes', '1000,10000,100000');
const sizes = sizesArg === 'none' ? [] : sizesArg.split(',').map(Number);
const withComposer = !process.argv.includes('--no-composer');
const runs = Number(arg('runs', '5'));
const sort = arg('sort', 'date-desc');

const buildDir = join(root, '.cache', 'bench-ui');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

function build(): void {
  rmSync(buildDir, { recursive: true, force: true });
  execFileSync(process.execPath, [join(root, 'build', 'build-main.mjs'), '--outdir', join(buildDir, 'node')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', join(buildDir, 'renderer'), '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
}

/** Peak RSS (VmHWM) of a live process in MB, from /proc; null when it cannot be read. */
function peakRssOf(pid: number | undefined): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function startDevWeb(dataDir: string): Promise<{ url: string; peakRssMb(): number | null; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(buildDir, 'node', 'dev-web.cjs'), '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      out += text;
      const match = /homing dev-web: (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`dev-web exited with ${code}`)));
  });
  return {
    url,
    peakRssMb: () => peakRssOf(child.pid),
    stop: () =>
      new Promise((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

interface Row {
  size: number;
  importS: number;
  /** Peak RSS of the `homing import` process (/usr/bin/time), MB. */
  importRssMb: number | null;
  /** Peak RSS of the backend (dev-web: read connection, bridge) after opening and scrolling, MB. */
  backendRssMb: number | null;
  firstRowsMs: number;
  firstRowsAll: number[];
  mounted: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  longFrames: number;
  maxMounted: number;
  jumpFillMs: number;
  heapMb: number;
}

async function measure(size: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'homing-bench-ui-'));
  const dataDir = join(dir, 'data');
  const mbox = join(dir, 'big.mbox');
  await writeBulkMbox(mbox, size);
  const small = join(dir, 'small.eml');
  writeFileSync(small, buildMessage({ from: 'A <a@example.org>', subject: 'Small folder', date: new Date(), id: 'small@example.org', text: 'Hello.' }));
  const cli = (args: string[]) => execFileSync(process.execPath, [join(buildDir, 'node', 'homing.cjs'), '--data-dir', dataDir, ...args], { encoding: 'utf8' });
  const started = performance.now();
  // Under /usr/bin/time for its peak RSS (%M, KB), printed on stderr's last line.
  const timedImport = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(buildDir, 'node', 'homing.cjs'), '--data-dir', dataDir, 'import', mbox, '--folder', 'Big', '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const importS = (performance.now() - started) / 1000;
  if (timedImport.status !== 0) throw new Error(`homing import failed: ${timedImport.stderr.slice(-2000)}`);
  const importRssKb = Number(timedImport.stderr.trim().split('\n').pop());
  const importRssMb = Number.isFinite(importRssKb) ? importRssKb / 1024 : null;
  cli(['import', small, '--folder', 'Small', '--json']);

  const app = await startDevWeb(dataDir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(app.url);
    await page.getByRole('treeitem', { name: /^Small/ }).waitFor({ timeout: 30_000 });
    await page.getByRole('combobox', { name: 'Sort messages' }).selectOption(sort);

    const openFolder = (name: string, expect: string) =>
      page.evaluate(
        ({ name, expect }) =>
          new Promise<number>((resolve) => {
            const item = [...document.querySelectorAll<HTMLElement>('[role="treeitem"]')].find((e) => e.textContent?.startsWith(name));
            const t0 = performance.now();
            item!.click();
            const check = () => {
              const rows = document.querySelectorAll('[data-testid="message-list"] [role="option"]:not(.placeholder)');
              if ([...rows].some((r) => r.textContent?.includes(expect))) resolve(performance.now() - t0);
              else requestAnimationFrame(check);
            };
            requestAnimationFrame(check);
          }),
        { name, expect },
      );

    const firstRowsAll: number[] = [];
    for (let i = 0; i < runs; i++) {
      await openFolder('Small', 'Small folder');
      firstRowsAll.push(await openFolder('Big', 'Bulk message'));
    }
    const mounted = await page.getByTestId('message-list').getByRole('option').count();

    const scroll = await page.getByTestId('message-list').evaluate(
      (list) =>
        new Promise<{ frames: number[]; maxMounted: number }>((resolve) => {
          const frames: number[] = [];
          let maxMounted = 0;
          let last = performance.now();
          let step = 0;
          const tick = (now: number) => {
            frames.push(now - last);
            last = now;
            maxMounted = Math.max(maxMounted, list.querySelectorAll('[role="option"]').length);
            list.scrollTop += 37 * 74;
            if (++step < 200) requestAnimationFrame(tick);
            else resolve({ frames: frames.slice(1), maxMounted });
          };
          requestAnimationFrame(tick);
        }),
    );

    const jumpFillMs = await page.getByTestId('message-list').evaluate(
      (list) =>
        new Promise<number>((resolve) => {
          const t0 = performance.now();
          list.scrollTop = list.scrollHeight;
          const check = () => {
            const box = list.getBoundingClientRect();
            const visible = [...list.querySelectorAll<HTMLElement>('[role="option"]')].filter((r) => {
              const b = r.getBoundingClientRect();
              return b.bottom > box.top && b.top < box.bottom;
            });
            if (visible.length > 0 && visible.every((r) => !r.classList.contains('placeholder'))) resolve(performance.now() - t0);
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        }),
    );
    const heapMb = await page.evaluate(() => ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 1024 / 1024);

    const backendRssMb = app.peakRssMb();
    return {
      size,
      importS,
      importRssMb,
      backendRssMb,
      firstRowsMs: median(firstRowsAll),
      firstRowsAll,
      mounted,
      frameP50: percentile(scroll.frames, 0.5),
      frameP95: percentile(scroll.frames, 0.95),
      frameMax: Math.max(...scroll.frames),
      longFrames: scroll.frames.filter((f) => f > 50).length,
      maxMounted: scroll.maxMounted,
      jumpFillMs,
      heapMb,
    };
  } finally {
    await browser.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function composerFigures(): Promise<ComposerFigures> {
  const workDir = mkdtempSync(join(tmpdir(), 'homing-bench-composer-'));
  const browser = await launchChromium();
  try {
    return await measureComposer({ browser, startDevWeb, cli: join(buildDir, 'node', 'homing.cjs'), workDir, runs });
  } finally {
    await browser.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function printComposer(c: ComposerFigures): BenchRow[] {
  const fmt = (n: number) => n.toFixed(0);
  const all = (xs: number[]) => xs.map(fmt).join(', ');
  console.log(`\ncomposer in Chromium (${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}; driver's clock, ${runs} runs after one warm-up)\n`);
  console.log(`| what | ms |`);
  console.log(`|---|---|`);
  console.log(`| new message (Ctrl+N): open to typing, median | ${fmt(median(c.newOpenMs))} (${all(c.newOpenMs)}) |`);
  console.log(`| reply to a ${(c.replyHtmlBytes / 1e6).toFixed(1)} MB HTML message (Ctrl+R): open to typing, median | ${fmt(median(c.replyOpenMs))} (${all(c.replyOpenMs)}) |`);
  console.log(
    `| keystroke to paint in a ${Math.round(c.draftHtmlBytes / 1000)} KB draft, ${c.keystrokeMs.length} keys: p50 / p95 / max | ` +
      `${percentile(c.keystrokeMs, 0.5).toFixed(1)} / ${percentile(c.keystrokeMs, 0.95).toFixed(1)} / ${Math.max(...c.keystrokeMs).toFixed(1)} |`,
  );
  const row = (metric: string, ms: number, extra: Record<string, number | string>): BenchRow => ({
    size: 1, metric, tool: 'homing', homing: true, wallS: ms / 1000, peakRssMb: null, throughput: null, extra,
  });
  return [
    row('composer: new message, open to typing (median)', median(c.newOpenMs), { runs: c.newOpenMs.length }),
    row(`composer: reply to a ${(c.replyHtmlBytes / 1e6).toFixed(1)} MB HTML message, open to typing (median)`, median(c.replyOpenMs), { runs: c.replyOpenMs.length }),
    row(`composer: keystroke to paint, ${Math.round(c.draftHtmlBytes / 1000)} KB draft (p95)`, percentile(c.keystrokeMs, 0.95), {
      'p50 ms': percentile(c.keystrokeMs, 0.5), 'max ms': Math.max(...c.keystrokeMs), keys: c.keystrokeMs.length,
    }),
  ];
}

async function main(): Promise<void> {
mkdirSync(buildDir, { recursive: true });
build();
const rows: Row[] = [];
for (const size of sizes) rows.push(await measure(size));
const composerRows = withComposer ? printComposer(await composerFigures()) : [];
if (rows.length === 0) {
  reportResults('ui', composerRows);
  return;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
console.log(`\nmessage list in Chromium (${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}; ${runs} opens per size, sorted ${sort}; first-rows target < 200 ms at 100,000)\n`);
const header = ['messages', 'import s', 'first rows ms (median)', 'rows mounted', 'scroll frame p50/p95/max ms', 'frames > 50 ms', 'max rows mounted', 'jump to end filled ms', 'JS heap MB'];
const table = rows.map((r) => [
  fmt(r.size),
  fmt(r.importS, 1),
  `${fmt(r.firstRowsMs, 1)} (${r.firstRowsAll.map((x) => fmt(x)).join(', ')})`,
  fmt(r.mounted),
  `${fmt(r.frameP50, 1)} / ${fmt(r.frameP95, 1)} / ${fmt(r.frameMax, 1)}`,
  fmt(r.longFrames),
  fmt(r.maxMounted),
  fmt(r.jumpFillMs, 1),
  fmt(r.heapMb, 1),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table) console.log(line(row));
const reportRows: BenchRow[] = rows.flatMap((r): BenchRow[] => [
  { size: r.size, metric: 'bulk import (homing import, mbox)', tool: 'homing', homing: true, wallS: r.importS, peakRssMb: r.importRssMb, throughput: perSecond(r.size, r.importS) },
  {
    size: r.size, metric: `open folder in Chromium: click → first row (median)${sort === 'date-desc' ? '' : `, ${sort}`}`, tool: 'homing', homing: true, wallS: r.firstRowsMs / 1000, peakRssMb: r.backendRssMb, throughput: null, runs,
    extra: { 'rows mounted': r.mounted, 'scroll frame p95 ms': r.frameP95, 'frames > 50 ms': r.longFrames, 'jump-to-end ms': r.jumpFillMs, 'JS heap MB': r.heapMb },
    note: 'RSS is the backend (dev-web) process; Chromium’s is not counted',
  },
]);
reportResults('ui', [...reportRows, ...composerRows]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

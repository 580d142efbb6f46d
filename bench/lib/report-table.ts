/**
 * The suite's one table (text, Markdown-compatible): per bench, size and metric, Homing's wall time,
 * peak RSS and throughput beside each peer's, with homing ÷ peer for wall time and RSS (below 1.00×:
 * Homing is faster / smaller). A metric with no peer gets one row with the peer columns empty.
 */
import type { BenchRow } from './report';
import type { SuiteResult } from './report-suite';

function time(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  if (s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;
  return `${s.toFixed(s < 100 ? 1 : 0)} s`;
}
const mb = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(0));
function rate(row: BenchRow | undefined): string {
  if (!row?.throughput) return '—';
  const v = row.throughput.value;
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${row.throughput.unit}`;
}
function ratio(a: number | null | undefined, b: number | null | undefined): string {
  return a && b ? `${(a / b).toFixed(2)}×` : '—';
}
function extras(row: BenchRow | undefined): string {
  if (!row) return '';
  const parts = Object.entries(row.extra ?? {}).map(([k, v]) => `${k} ${typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(v % 1 === 0 ? 0 : 2)) : v}`);
  if (row.note) parts.push(row.note);
  return parts.join('; ');
}

const sizeLabel = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

export function renderSuiteTable(result: SuiteResult): string {
  const m = result.machine;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const installed = Object.entries(result.peers)
    .map(([name, v]) => `${name}: ${v ?? 'not installed'}`)
    .join('; ');
  const lines = [
    `Homing benchmark suite — ${result.startedAt} → ${result.finishedAt} (git ${result.git.commit.slice(0, 10)}${result.git.dirty ? ', uncommitted changes in the tree' : ''})`,
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb.toFixed(1)} GB memory (${m.freeMemoryGbAtStart.toFixed(1)} GB free at start), Linux ${m.kernel}, Node ${m.node}`,
    `load average (1/5/15 min) at start: ${load(m.loadAtStart)}; at end: ${load(m.loadAtEnd)} — ${m.sharedNote}`,
    `peers: ${installed}`,
    ...(result.merged ?? []).map((m) => `merged in at ${m.at} (git ${m.commit.slice(0, 10)}, load ${load(m.load)}): ${m.command}`),
    '',
  ];
  const header = ['bench', 'msgs', 'measures', 'homing wall', 'homing RSS MB', 'homing rate', 'peer', 'peer wall', 'peer RSS MB', 'peer rate', 'wall ÷ peer', 'RSS ÷ peer', 'other figures (homing | peer)'];
  const table: string[][] = [];
  for (const run of result.runs) {
    if (run.status !== 'ok') continue;
    const metrics = [...new Set(run.rows.map((r) => r.metric))];
    for (const metric of metrics) {
      const rows = run.rows.filter((r) => r.metric === metric);
      const own = rows.find((r) => r.homing);
      const peers = rows.filter((r) => !r.homing);
      const size = sizeLabel(own?.size ?? rows[0]!.size);
      const homingCells = [time(own?.wallS ?? null), mb(own?.peakRssMb ?? null), rate(own)];
      if (peers.length === 0) {
        table.push([run.bench, size, metric, ...homingCells, '—', '—', '—', '—', '—', '—', extras(own)]);
        continue;
      }
      for (const peer of peers) {
        const other = [extras(own), extras(peer)].filter(Boolean).join(' | ');
        table.push([
          run.bench, size, metric, ...homingCells, peer.tool, time(peer.wallS), mb(peer.peakRssMb), rate(peer),
          ratio(own?.wallS, peer.wallS), ratio(own?.peakRssMb, peer.peakRssMb), other,
        ]);
      }
    }
  }
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  lines.push(line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.map(line));
  const perRun = result.runs.map((r) => {
    const loads = r.loadAtStart ? `, load ${r.loadAtStart[0]!.toFixed(2)} → ${r.loadAtEnd![0]!.toFixed(2)}` : '';
    const took = r.seconds !== undefined ? ` in ${r.seconds.toFixed(0)} s` : '';
    return `  ${r.bench} ${sizeLabel(r.size)}: ${r.status}${took}${loads}${r.reason ? ` — ${r.reason}` : ''}`;
  });
  lines.push('', 'runs (1-min load at start → end of each):', ...perRun);
  const notes = result.runs.flatMap((r) => (r.notes ?? []).map((n) => `  ${r.bench} ${sizeLabel(r.size)}: ${n}`));
  if (notes.length > 0) lines.push('', 'notes:', ...notes);
  lines.push(
    '',
    'wall: from spawning the measured process to its exit (store: the import itself; ui: click → first row); RSS: peak resident set of the measured process (ru_maxrss);',
    'ratios are homing ÷ peer: below 1.00× Homing took less time / memory. Details: bench/README.md.',
  );
  return lines.join('\n');
}

/**
 * The result protocol between one benchmark (bench/NAME.ts) and the suite (`npm run bench` with no
 * name, bench/lib/report-suite.ts). Each benchmark still prints its own table; it also calls
 * `reportResults(name, rows)` once. Standalone that does nothing more; under the suite, which sets
 * HOMING_BENCH_REPORT to a file path, it writes the rows there as JSON for the suite's one table and
 * bench/results/latest.json. A row is one tool measured doing one thing at one size.
 */
import { writeFileSync } from 'node:fs';

/** The environment variable naming the file a benchmark writes its rows to when run by the suite. */
export const REPORT_ENV = 'HOMING_BENCH_REPORT';

export interface Throughput {
  value: number;
  /** e.g. "msg/s", "MB/s". */
  unit: string;
}

export interface BenchRow {
  /** Messages in the corpus this row measured. */
  size: number;
  /**
   * What the wall time covers, e.g. "initial sync, IMAPS" or "import + index". Homing's row and the
   * peers' rows with the same metric are paired in the suite's table (ratio = homing ÷ peer).
   */
  metric: string;
  /** "homing", or the peer and how it was configured, e.g. "mbsync (FSync no)". */
  tool: string;
  /** True for Homing's own row; false for a peer. */
  homing: boolean;
  /** Wall time in seconds (median over runs where there are several), null when not measured. */
  wallS: number | null;
  /** Peak resident set size in MB of the measured process (its threads included), null when not measured. */
  peakRssMb: number | null;
  throughput: Throughput | null;
  /** How many timed runs the median is over. */
  runs?: number;
  /** Secondary figures (search median, first page, CPU seconds…), name → value; shown after the main ones. */
  extra?: Record<string, number | string>;
  /** Anything a reader must know to trust the figure (e.g. "indexing figures reused from an earlier run"). */
  note?: string;
}

export interface BenchReport {
  bench: string;
  rows: BenchRow[];
  /** Free-form lines the bench wants beside its rows (corpus size, load during the run…). */
  notes?: string[];
}

/** Messages per second for `size` messages in `wallS` seconds. */
export function perSecond(size: number, wallS: number | null): Throughput | null {
  return wallS && wallS > 0 ? { value: size / wallS, unit: 'msg/s' } : null;
}

/**
 * Hands the rows to the suite when one is listening (HOMING_BENCH_REPORT set); a no-op otherwise, as
 * the bench has printed its own table already. Call it once, after the bench's own table.
 */
export function reportResults(bench: string, rows: BenchRow[], notes: string[] = []): void {
  const path = process.env[REPORT_ENV];
  if (!path) return;
  const report: BenchReport = { bench, rows, ...(notes.length > 0 ? { notes } : {}) };
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * Rows for bench/lib/report.ts from benches that time whole processes several times (imap, pop3): the
 * median of each tool's runs, messages per second and MB per second of mail moved. Kept here so those
 * benches need only one call.
 */
import { type BenchRow } from './report';

/** One timed process: wall seconds, peak RSS in MB and, where measured, CPU seconds and first-screen time. */
export interface TimedRun {
  wallS: number;
  peakRssMb: number;
  cpuS?: number;
  firstScreenS?: number;
}

export interface ToolRuns {
  tool: string;
  homing: boolean;
  list: TimedRun[];
  note?: string;
}

/** The middle value; of an even count, the mean of the two middle ones. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One row per tool that has runs: medians of wall time, peak RSS, CPU and first screen. */
export function rowsFromRuns(size: number, metric: string, bytes: number, tools: ToolRuns[]): BenchRow[] {
  return tools
    .filter((t) => t.list.length > 0)
    .map((t) => {
      const wallS = median(t.list.map((r) => r.wallS));
      const extra: Record<string, number | string> = {};
      if (bytes > 0) extra['MB/s'] = bytes / 1e6 / wallS;
      // Goals are set against a peer's median and its fastest round (a fast-disk moment): both are shown.
      if (t.list.length > 1) extra['fastest s'] = Math.min(...t.list.map((r) => r.wallS));
      const cpu = t.list.map((r) => r.cpuS).filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (cpu.length > 0) extra['CPU s'] = median(cpu);
      const first = t.list.map((r) => r.firstScreenS).filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (first.length > 0) extra['first 50 rows s'] = median(first);
      return {
        size,
        metric,
        tool: t.tool,
        homing: t.homing,
        wallS,
        peakRssMb: median(t.list.map((r) => r.peakRssMb)),
        // bytes = 0: nothing was moved (e.g. a sync that finds nothing new), so no rate.
        throughput: bytes === 0 ? null : size > 1 ? { value: size / wallS, unit: 'msg/s' } : { value: bytes / 1e6 / wallS, unit: 'MB/s' },
        runs: t.list.length,
        ...(Object.keys(extra).length > 0 ? { extra } : {}),
        ...(t.note ? { note: t.note } : {}),
      };
    });
}

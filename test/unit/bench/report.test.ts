import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPORT_ENV, reportResults, type BenchRow } from '../../../bench/lib/report';
import { rowsFromRuns } from '../../../bench/lib/report-runs';
import type { SuiteResult } from '../../../bench/lib/report-suite';
import { renderSuiteTable } from '../../../bench/lib/report-table';

const row = (tool: string, homing: boolean, wallS: number, peakRssMb: number): BenchRow => ({
  size: 10_000, metric: 'initial sync', tool, homing, wallS, peakRssMb, throughput: { value: 10_000 / wallS, unit: 'msg/s' },
});

function suite(rows: BenchRow[]): SuiteResult {
  return {
    startedAt: '2026-11-26T17:00:00.000Z',
    finishedAt: '2026-11-26T17:30:00.000Z',
    command: 'npm run bench',
    machine: { cpuModel: 'Test CPU', cores: 2, memoryGb: 8, freeMemoryGbAtStart: 6, kernel: '6.1', node: 'v20', loadAtStart: [3, 2, 1], loadAtEnd: [4, 3, 2], sharedNote: 'shared' },
    git: { commit: '0123456789abcdef', dirty: false },
    peers: { mbsync: 'isync 1.4.4', getmail: null },
    runs: [
      { bench: 'imap', size: 10_000, status: 'ok', rows, loadAtStart: [3, 2, 1], loadAtEnd: [4, 3, 2], seconds: 60 },
      { bench: 'imap', size: 100_000, status: 'skipped', reason: 'too big here', rows: [] },
    ],
  };
}

describe('bench result protocol', () => {
  const saved = process.env[REPORT_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[REPORT_ENV];
    else process.env[REPORT_ENV] = saved;
  });

  it('writes the rows only when the suite names a file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'homing-report-')), 'rows.json');
    delete process.env[REPORT_ENV];
    reportResults('imap', [row('homing', true, 10, 200)]);
    expect(existsSync(path)).toBe(false);
    process.env[REPORT_ENV] = path;
    reportResults('imap', [row('homing', true, 10, 200)], ['a note']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ bench: 'imap', rows: [{ tool: 'homing', wallS: 10 }], notes: ['a note'] });
  });

  it('takes medians per tool and drops tools without runs', () => {
    const rows = rowsFromRuns(1000, 'sync', 50e6, [
      { tool: 'homing', homing: true, list: [{ wallS: 4, peakRssMb: 100, cpuS: 3 }, { wallS: 2, peakRssMb: 300, cpuS: 1 }, { wallS: 3, peakRssMb: 200, cpuS: 2 }] },
      { tool: 'peer', homing: false, list: [] },
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ wallS: 3, peakRssMb: 200, runs: 3, throughput: { value: 1000 / 3, unit: 'msg/s' }, extra: { 'CPU s': 2 } });
  });

  it('prints homing beside each peer with homing ÷ peer, the machine, and why a size was skipped', () => {
    const text = renderSuiteTable(suite([row('homing', true, 30, 240), row('mbsync', false, 20, 12), row('mbsync (FSync no)', false, 60, 12)]));
    expect(text).toContain('Test CPU, 2 cores, 8.0 GB memory');
    expect(text).toContain('load average (1/5/15 min) at start: 3.00 2.00 1.00');
    expect(text).toContain('getmail: not installed');
    const lines = text.split('\n').filter((l) => l.startsWith('| imap'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/\| mbsync +\| 20\.0 s .*\| 1\.50× +\| 20\.00× /);
    expect(lines[1]).toMatch(/\| mbsync \(FSync no\) +\| 60\.0 s .*\| 0\.50× /);
    expect(text).toContain('imap 100k: skipped — too big here');
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { corpusMbox } from '../helpers/mail-corpus';

const TOTAL = 6000;

/** Starts `homing import` and SIGKILLs it once at least `atLeast` messages are committed. */
async function importKilledAfter(dataDir: string, mbox: string, atLeast: number): Promise<number> {
  const bin = join(inject('buildDir'), 'node', 'homing.cjs');
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, 'import', mbox, '--folder', 'Crash'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const dbPath = join(dataDir, 'homing.sqlite');
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      let stored = 0;
      try {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          stored = (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        // Not created or not migrated yet.
      }
      if (stored >= atLeast) {
        child.kill('SIGKILL');
        break;
      }
      if (child.exitCode !== null) break;
    }
  } finally {
    await exited;
  }
  return child.signalCode === 'SIGKILL' ? 1 : 0;
}

/** Everything a crash could have left half-done, checked on the database file itself. */
function assertConsistent(dbPath: string): number {
  const db = new Database(dbPath);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const messages = one('SELECT count(*) AS n FROM messages');
    expect(one('SELECT count(*) AS n FROM messages m WHERE NOT EXISTS (SELECT 1 FROM message_sources s WHERE s.message_id = m.id)')).toBe(0);
    expect(one('SELECT count(*) AS n FROM message_search')).toBe(messages);
    expect(one('SELECT count(*) AS n FROM messages m WHERE thread_id IS NULL')).toBe(0);
    expect(one("SELECT count(*) AS n FROM (SELECT content_hash FROM messages GROUP BY folder_id, content_hash HAVING count(*) > 1)")).toBe(0);
    expect(one('SELECT coalesce(sum(total_count), 0) AS n FROM folders')).toBe(messages);
    expect(one('SELECT coalesce(sum(unread_count), 0) AS n FROM folders')).toBe(one('SELECT count(*) AS n FROM messages WHERE seen = 0'));
    // Sources are whole: the stored size is the sum of the chunks (each chunk inflated).
    return messages;
  } finally {
    db.close();
  }
}

describe('a crash during import', () => {
  it('leaves a consistent store that running the import again completes, with no duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-store-crash-'));
    const dataDir = join(dir, 'data');
    const mbox = join(dir, 'big.mbox');
    writeFileSync(mbox, corpusMbox(TOTAL));
    const dbPath = join(dataDir, 'homing.sqlite');

    expect(await importKilledAfter(dataDir, mbox, 1)).toBe(1);
    const afterFirst = assertConsistent(dbPath);
    expect(afterFirst).toBeLessThan(TOTAL);

    expect(await importKilledAfter(dataDir, mbox, afterFirst + 1000)).toBe(1);
    const afterSecond = assertConsistent(dbPath);
    expect(afterSecond).toBeGreaterThan(afterFirst);
    expect(afterSecond).toBeLessThan(TOTAL);

    const finished = await runCli(['--data-dir', dataDir, 'import', mbox, '--folder', 'Crash', '--json']);
    expect(finished.stderr).toBe('');
    expect(JSON.parse(finished.stdout)).toEqual({ imported: TOTAL - afterSecond, duplicates: afterSecond, unparsable: 0 });
    expect(assertConsistent(dbPath)).toBe(TOTAL);
    // The killed imports' spill folders are cleaned up by the next one.
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);

    const out = join(dir, 'out.mbox');
    expect((await runCli(['--data-dir', dataDir, 'export', '--account', 'local', '--folder', 'Crash', '--mbox', out])).status).toBe(0);
    expect(readFileSync(out).equals(readFileSync(mbox))).toBe(true);
  });
});

import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HomingError } from '../../../../shared/errors';
import { latestVersion, migrations } from '../../../../electron/store/migrations/all';
import { closeDb, NEW_DATABASE_PAGE_SIZE, openReadDb, openWriteDb } from '../../../../electron/store/open';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'homing-store-')), 'homing.sqlite');

/** A new store with the sync worker's connection and the main thread's, as the app holds them. */
function writerAndReader() {
  const path = tempDb();
  const writer = openWriteDb(path);
  return { path, writer, reader: openReadDb(path) };
}

describe('opening the store', () => {
  it('knows the last migration’s version (migrations/version.ts, which read-only openers use without the migrations)', () => {
    expect(latestVersion).toBe(migrations[migrations.length - 1]!.version);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('creates a migrated WAL database with foreign keys on', () => {
    const path = tempDb();
    const db = openWriteDb(path);
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('user_version', { simple: true })).toBe(latestVersion);
    const local = db.sqlite.prepare("SELECT protocol FROM accounts WHERE id = 'local'").get();
    expect(local).toEqual({ protocol: 'local' });
    closeDb(db);
  });

  it('opens an existing database again without re-running migrations', () => {
    const path = tempDb();
    closeDb(openWriteDb(path));
    const again = openWriteDb(path);
    expect(again.sqlite.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 1 });
    closeDb(again);
  });

  it('gives a new database big pages and leaves an existing one at the size it was made with', () => {
    const fresh = openWriteDb(tempDb());
    expect(fresh.sqlite.pragma('page_size', { simple: true })).toBe(NEW_DATABASE_PAGE_SIZE);
    closeDb(fresh);

    // A store made by an earlier Homing (SQLite's default 4 KB pages) opens and migrates as it is.
    const path = tempDb();
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE earlier (x)');
    old.close();
    const reopened = openWriteDb(path);
    expect(reopened.sqlite.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.sqlite.pragma('user_version', { simple: true })).toBe(latestVersion);
    closeDb(reopened);
  });

  it('gives the main thread a connection that cannot write', () => {
    const { writer, reader } = writerAndReader();
    expect(() => reader.sqlite.prepare("DELETE FROM accounts WHERE id = 'local'").run()).toThrow(/readonly/i);
    closeDb(reader);
    closeDb(writer);
  });

  it('leaves no WAL behind when the writer closes before the read-only connection', () => {
    const { path, writer, reader } = writerAndReader();
    writer.sqlite.exec('CREATE TABLE filler (x BLOB)');
    const insert = writer.sqlite.prepare('INSERT INTO filler VALUES (randomblob(100000))');
    for (let i = 0; i < 50; i++) insert.run();
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(5_000_000);
    closeDb(writer);
    // SQLite would leave the WAL to the last connection, and a read-only one cannot checkpoint.
    expect(statSync(`${path}-wal`).size).toBe(0);
    expect(reader.sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 50 });
    closeDb(reader);
  });

  it('does not keep a closing writer waiting on a reader in the middle of a read: the WAL is left for the next open', () => {
    const { path, writer, reader } = writerAndReader();
    writer.sqlite.exec('CREATE TABLE filler (x BLOB)');
    reader.sqlite.exec('BEGIN');
    expect(reader.sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 0 });
    writer.sqlite.prepare('INSERT INTO filler VALUES (randomblob(100000))').run();
    const started = Date.now();
    closeDb(writer);
    // The busy timeout of a query (5 s) would have held the quit up for that long.
    expect(Date.now() - started).toBeLessThan(2000);
    reader.sqlite.exec('COMMIT');
    closeDb(reader);
    const again = openWriteDb(path);
    expect(again.sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 1 });
    closeDb(again);
  });

  it('refuses a database from a newer Homing and leaves the file untouched', () => {
    const path = tempDb();
    const future = new Database(path);
    future.exec('CREATE TABLE from_the_future (x)');
    future.pragma(`user_version = ${latestVersion + 5}`);
    future.close();
    const before = readFileSync(path);

    let error: unknown;
    try {
      openWriteDb(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HomingError);
    expect((error as HomingError).code).toBe('DATABASE_TOO_NEW');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(() => openReadDb(path)).toThrow(expect.objectContaining({ code: 'DATABASE_TOO_NEW' }));
  });

  it('reports a file that is not a database as DATABASE_CORRUPT', () => {
    const path = tempDb();
    writeFileSync(path, 'this is not sqlite'.repeat(100));
    expect(() => openWriteDb(path)).toThrow(expect.objectContaining({ code: 'DATABASE_CORRUPT' }));
  });
});

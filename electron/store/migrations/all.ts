import type BetterSqlite3 from 'better-sqlite3';
import { up as initial } from './0001-initial';

export interface Migration {
  version: number;
  up(db: BetterSqlite3.Database): void;
}

/** Every schema version in order; the database's `user_version` is the last one applied. */
export const migrations: Migration[] = [{ version: 1, up: initial }];

export const latestVersion = migrations[migrations.length - 1]!.version;

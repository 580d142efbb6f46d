import { HomingError } from '../../shared/errors';

/** Maps SQLite's error codes to ours, so callers see DISK_FULL rather than a driver message. */
export function mapSqliteError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_FULL') return new HomingError('DISK_FULL', undefined, { sqlite: code }, { cause: error });
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return new HomingError('DATABASE_CORRUPT', undefined, { sqlite: code }, { cause: error });
  }
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'SQLITE_CANTOPEN') {
    return new HomingError('IO_ERROR', `The mail database could not be read or written (${code}).`, { sqlite: code }, { cause: error });
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) {
    return new HomingError('DATA_DIR_LOCKED', 'This connection may only read the mail database.', { sqlite: code }, { cause: error });
  }
  return new HomingError('INTERNAL', message, { sqlite: code }, { cause: error });
}

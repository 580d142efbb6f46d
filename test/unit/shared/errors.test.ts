import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HomingError, isDiskFullError } from '../../../shared/errors';

/** An error shaped as Node gives a failed system call (ErrnoException). */
const systemError = (code: string) => Object.assign(new Error(`${code}: write failed`), { code, errno: -1, syscall: 'write' });

describe('isDiskFullError', () => {
  it('is true for a full disk (ENOSPC) and a used-up quota (EDQUOT)', () => {
    expect(isDiskFullError(systemError('ENOSPC'))).toBe(true);
    expect(isDiskFullError(systemError('EDQUOT'))).toBe(true);
  });

  it('is true for what Node really throws writing to a full device', () => {
    let error: unknown;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'ENOSPC' });
    expect(isDiskFullError(error)).toBe(true);
  });

  it('is false for other system errors, for our own codes and for values that are not errors', () => {
    let missing: unknown;
    try {
      writeFileSync(join(mkdtempSync(join(tmpdir(), 'homing-errors-')), 'no', 'such', 'dir'), 'x');
    } catch (e) {
      missing = e;
    }
    expect(missing).toMatchObject({ code: 'ENOENT' });
    expect(isDiskFullError(missing)).toBe(false);
    for (const code of ['EACCES', 'EROFS', 'EIO', 'enospc']) expect(isDiskFullError(systemError(code))).toBe(false);
    expect(isDiskFullError(new HomingError('DISK_FULL'))).toBe(false);
    for (const value of [null, undefined, 'ENOSPC', 28, {}, { code: 28 }]) expect(isDiskFullError(value)).toBe(false);
    expect(isDiskFullError({ code: 'EDQUOT' })).toBe(true);
  });
});

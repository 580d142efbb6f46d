import { describe, expect, it } from 'vitest';
import type { MailService } from '../../../shared/contract';
import { dispatch } from '../../../shared/dispatch';
import { HomingError } from '../../../shared/errors';

/** A service where only the methods a test touches exist; the rest throw if called. */
function fakeService(methods: Partial<Record<string, (args: unknown) => Promise<unknown>>>): MailService {
  return new Proxy({} as MailService, {
    get: (_target, name) => methods[String(name)] ?? (() => Promise.reject(new Error(`unexpected call ${String(name)}`))),
  });
}

describe('dispatch', () => {
  it('refuses a method that is not in the contract', async () => {
    const result = await dispatch(fakeService({}), 'dropDatabase', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses a non-string method name', async () => {
    const result = await dispatch(fakeService({}), { toString: () => 'listAccounts' }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses invalid arguments before the service sees them', async () => {
    let called = false;
    const service = fakeService({ getMessage: async () => ((called = true), null) });
    const result = await dispatch(service, 'getMessage', { id: -1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(called).toBe(false);
  });

  it('refuses unknown extra keys (strict objects)', async () => {
    const result = await dispatch(fakeService({ listAccounts: async () => [] }), 'listAccounts', { sql: 'DROP TABLE' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('fills in defaults and passes the validated arguments on', async () => {
    let seen: unknown;
    const service = fakeService({ search: async (args) => ((seen = args), { hits: [], total: 0 }) });
    const result = await dispatch(service, 'search', { query: 'from:bob' });
    expect(result).toEqual({ ok: true, value: { hits: [], total: 0 } });
    expect(seen).toEqual({ query: 'from:bob', limit: 200 });
  });

  it('refuses the methods that name files unless the caller opts in (the CLI does; IPC and the bridge do not)', async () => {
    const calls: unknown[] = [];
    const service = fakeService({ exportMessage: async (args) => void calls.push(args) });
    const args = { id: 1, emlPath: '/home/me/.bashrc' };
    expect(await dispatch(service, 'exportMessage', args)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(calls).toEqual([]);
    expect(await dispatch(service, 'exportMessage', args, { allowPathMethods: true })).toEqual({ ok: true, value: undefined });
    // Validated: the default part (the whole message) filled in.
    expect(calls).toEqual([{ ...args, part: 'whole' }]);
  });

  it('keeps the code of a HomingError and turns anything else into INTERNAL', async () => {
    const coded = await dispatch(fakeService({ listAccounts: () => Promise.reject(new HomingError('DISK_FULL')) }), 'listAccounts', {});
    expect(coded).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
    const plain = await dispatch(fakeService({ listAccounts: () => Promise.reject(new TypeError('boom')) }), 'listAccounts', {});
    expect(plain).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });
});

import { describe, expect, it } from 'vitest';
import { contract } from '../../../../shared/contract';
import { readArgs } from '../../../../electron/cli/read-args';

/**
 * The `homing` executable's reading path checks the arguments of its queries without zod
 * (electron/cli/read-args.ts). Whatever it takes must be taken by the contract too, with the same result
 * (defaults included); whatever the contract refuses it must leave to the service (null).
 */
const cases: Record<keyof typeof readArgs, unknown[]> = {
  listFolders: [{}, { accountId: 'a' }, { accountId: 'x'.repeat(64) }, { accountId: 'x'.repeat(65) }, { accountId: '' }, { accountId: 5 }, { other: 1 }, { accountId: undefined }, null, []],
  listMessages: [
    { mailbox: { folderId: 1 } },
    { mailbox: { folderId: 3 }, sort: 'subject-asc', cursor: 'abc', limit: 500 },
    { mailbox: { folderId: 3 }, sort: 'date-desc', cursor: null, limit: 1000 },
    { mailbox: { folderId: 3 }, limit: 1001 },
    { mailbox: { folderId: 3 }, limit: 0 },
    { mailbox: { folderId: 3 }, limit: 1.5 },
    { mailbox: { folderId: 3 }, sort: 'newest' },
    { mailbox: { folderId: 3 }, cursor: 'c'.repeat(1000) },
    { mailbox: { folderId: 3 }, cursor: 'c'.repeat(1001) },
    { mailbox: { folderId: 0 } },
    { mailbox: { folderId: -2 } },
    { mailbox: { folderId: 2 ** 53 } },
    { mailbox: { folderId: 1, extra: true } },
    { mailbox: { unified: 'inbox' } },
    { mailbox: {} },
    { limit: 5 },
    { mailbox: { folderId: 1 }, extra: 1 },
  ],
  search: [
    { query: 'word' },
    { query: '' },
    { query: 'q'.repeat(1000) },
    { query: 'q'.repeat(1001) },
    { query: 'x', limit: 1 },
    { query: 'x', limit: 1000 },
    { query: 'x', limit: 1001 },
    { query: 'x', limit: Number.NaN },
    { query: 'x', limit: 0 },
    { query: 'x', accountId: 'acc' },
    { query: 'x', accountId: '' },
    { query: 'x', accountId: 'a'.repeat(65) },
    { query: 5 },
    {},
    { query: 'x', other: true },
    { query: 'x', highlights: false },
    { query: 'x', highlights: true, limit: 5 },
    { query: 'x', highlights: 'no' },
    { query: 'x', highlights: null },
  ],
  getMessage: [{ id: 1 }, { id: 0 }, { id: -1 }, { id: 1.5 }, { id: 2 ** 53 }, { id: '1' }, {}, { id: 1, more: 2 }],
  getMessageSource: [{ id: 3 }, { id: 3, part: 'whole' }, { id: 3, part: 'headers' }, { id: 3, part: 'stored' }, { id: 3, part: 'body' }, { id: 0 }, { id: 3, x: 1 }],
};

describe('the reading path checks arguments as the contract does', () => {
  for (const [method, inputs] of Object.entries(cases) as Array<[keyof typeof readArgs, unknown[]]>) {
    it(method, () => {
      const schema = contract.methods[method].args;
      for (const input of inputs) {
        const mine = (readArgs[method] as (a: unknown) => unknown)(input);
        const theirs = schema.safeParse(input);
        if (mine === null) {
          // Refused here: the contract refuses it too, or it is a shape the reading commands never send (the unified inbox).
          if (theirs.success) expect(input).toEqual({ mailbox: { unified: 'inbox' } });
        } else {
          expect(theirs.success, JSON.stringify(input)).toBe(true);
          expect(mine, JSON.stringify(input)).toEqual(theirs.data);
        }
      }
    });
  }

  it('refuses what the contract refuses (each case above that the contract refuses is refused here)', () => {
    let refusals = 0;
    for (const [method, inputs] of Object.entries(cases) as Array<[keyof typeof readArgs, unknown[]]>) {
      for (const input of inputs) {
        if (contract.methods[method].args.safeParse(input).success) continue;
        refusals++;
        expect((readArgs[method] as (a: unknown) => unknown)(input), `${method} ${JSON.stringify(input)}`).toBeNull();
      }
    }
    expect(refusals).toBeGreaterThan(30);
  });
});

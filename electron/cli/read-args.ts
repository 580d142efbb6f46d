import type { MethodArgs, MethodArgsInput } from '../../shared/contract';

/**
 * The contract's checks and defaults for the arguments of the reading commands' queries, without zod
 * (loading it and the contract is most of a reading command's start-up; local-reader.ts). Each gives the
 * arguments as the contract's parse would, or null when the contract might refuse them: the caller then
 * asks the service, whose contract gives the exact error. A test holds each to the contract's schema.
 */
export const readArgs = {
  listFolders(args: MethodArgsInput<'listFolders'>): MethodArgs<'listFolders'> | null {
    if (!onlyKeys(args, ['accountId'])) return null;
    if (args.accountId === undefined) return {};
    return accountId(args.accountId) ? { accountId: args.accountId } : null;
  },
  listMessages(args: MethodArgsInput<'listMessages'>): MethodArgs<'listMessages'> | null {
    if (!onlyKeys(args, ['mailbox', 'sort', 'cursor', 'limit'])) return null;
    const { mailbox } = args;
    if (!isObject(mailbox) || !onlyKeys(mailbox, ['folderId']) || !positiveInt((mailbox as { folderId?: unknown }).folderId)) return null;
    const sort = args.sort ?? 'date-desc';
    const cursor = args.cursor ?? null;
    const limit = args.limit ?? 100;
    if (!SORTS.has(sort) || (cursor !== null && (typeof cursor !== 'string' || cursor.length > 1000)) || !intIn(limit, 1, 1000)) return null;
    return { mailbox: { folderId: (mailbox as { folderId: number }).folderId }, sort, cursor, limit };
  },
  search(args: MethodArgsInput<'search'>): MethodArgs<'search'> | null {
    if (!onlyKeys(args, ['query', 'accountId', 'limit', 'highlights'])) return null;
    const limit = args.limit ?? 200;
    const { highlights } = args;
    if (typeof args.query !== 'string' || args.query.length > 1000 || !intIn(limit, 1, 1000)) return null;
    if (highlights !== undefined && typeof highlights !== 'boolean') return null;
    if (args.accountId !== undefined && !accountId(args.accountId)) return null;
    return {
      query: args.query,
      limit,
      ...(args.accountId !== undefined ? { accountId: args.accountId } : {}),
      ...(highlights !== undefined ? { highlights } : {}),
    };
  },
  getMessage(args: MethodArgsInput<'getMessage'>): MethodArgs<'getMessage'> | null {
    return onlyKeys(args, ['id']) && positiveInt(args.id) ? { id: args.id } : null;
  },
  getMessageSource(args: MethodArgsInput<'getMessageSource'>): MethodArgs<'getMessageSource'> | null {
    if (!onlyKeys(args, ['id', 'part']) || !positiveInt(args.id)) return null;
    const part = args.part ?? 'stored';
    return part === 'stored' || part === 'whole' || part === 'headers' ? { id: args.id, part } : null;
  },
};

const SORTS = new Set<unknown>(['date-desc', 'date-asc', 'sender-asc', 'sender-desc', 'subject-asc', 'subject-desc', 'size-desc', 'size-asc']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A strict object: no key beyond these. */
function onlyKeys(value: unknown, keys: string[]): boolean {
  return isObject(value) && Object.keys(value).every((key) => keys.includes(key));
}

function intIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

function positiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function accountId(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 64;
}

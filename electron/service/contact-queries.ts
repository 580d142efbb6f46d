import type { MethodHandlers } from '../../shared/contract';
import { searchContacts } from '../store/contacts';
import type { QueryContext } from './query-context';

/** Recipient suggestions, read side (electron/store/contacts.ts). */
export function createContactQueries(ctx: QueryContext): MethodHandlers<'searchContacts'> {
  return {
    async searchContacts({ prefix, limit }) {
      return searchContacts(ctx.db, prefix, limit, Date.now());
    },
  };
}

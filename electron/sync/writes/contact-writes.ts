import type { MethodHandlers } from '../../../shared/contract';
import { catchUpWithSentFolders, forgetContact } from '../../store/contacts';
import { writeTransaction } from '../../store/write-transaction';
import type { WriterContext } from '../writer-context';

/** Recipient suggestions, write side: catching up with the Sent folders, "remove this suggestion". */
export function createContactWrites(ctx: WriterContext): MethodHandlers<'refreshContacts' | 'forgetContact'> {
  const { db } = ctx;
  return {
    async refreshContacts() {
      return { added: writeTransaction(db, () => catchUpWithSentFolders(db)) };
    },
    async forgetContact({ address }) {
      writeTransaction(db, () => forgetContact(db, address, Date.now()));
    },
  };
}

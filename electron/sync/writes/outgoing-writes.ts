import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
import { getAccount } from '../../store/accounts';
import { removeIdentity, saveIdentity } from '../../store/identities';
import { writeTransaction } from '../../store/write-transaction';
import { engineFor } from '../engines';
import type { WriterContext } from '../writer-context';

type OutgoingCommands =
  | 'saveIdentity'
  | 'removeIdentity'
  | 'saveDraft'
  | 'deleteDraft'
  | 'sendMessage'
  | 'flushOutbox'
  | 'retryOutbox'
  | 'markOutboxSent'
  | 'cancelOutbox';

const notYet = (method: string) => async (): Promise<never> => {
  throw new HomingError('NOT_IMPLEMENTED', `${method} is not built yet (issue 20 lands it in steps).`);
};

/** Sending mail, write side: identities, drafts and the outbox, in the single writer. */
export function createOutgoingWrites(ctx: WriterContext): MethodHandlers<OutgoingCommands> {
  const { db } = ctx;
  return {
    async saveIdentity({ id, accountId, ...fields }) {
      const account = getAccount(db, accountId);
      if (!engineFor(account).hasServer) throw new HomingError('INVALID_ARGUMENT', 'Local Folders does not send mail.');
      return writeTransaction(db, (changes) => saveIdentity(db, changes, accountId, id ?? null, fields));
    },
    async removeIdentity({ id }) {
      writeTransaction(db, (changes) => removeIdentity(db, changes, id));
    },
    saveDraft: notYet('saveDraft'),
    deleteDraft: notYet('deleteDraft'),
    sendMessage: notYet('sendMessage'),
    flushOutbox: notYet('flushOutbox'),
    retryOutbox: notYet('retryOutbox'),
    markOutboxSent: notYet('markOutboxSent'),
    cancelOutbox: notYet('cancelOutbox'),
  };
}

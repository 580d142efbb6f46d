import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
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
export function createOutgoingWrites(_ctx: WriterContext): MethodHandlers<OutgoingCommands> {
  return {
    saveIdentity: notYet('saveIdentity'),
    removeIdentity: notYet('removeIdentity'),
    saveDraft: notYet('saveDraft'),
    deleteDraft: notYet('deleteDraft'),
    sendMessage: notYet('sendMessage'),
    flushOutbox: notYet('flushOutbox'),
    retryOutbox: notYet('retryOutbox'),
    markOutboxSent: notYet('markOutboxSent'),
    cancelOutbox: notYet('cancelOutbox'),
  };
}

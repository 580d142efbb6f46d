import type { MethodHandlers } from '../../shared/contract';
import { HomingError } from '../../shared/errors';
import type { QueryContext } from './query-context';

type OutgoingQueries = 'listIdentities' | 'prepareResponse' | 'listDrafts' | 'getDraft' | 'listOutbox' | 'testOutgoingServer';

const notYet = (method: string) => async (): Promise<never> => {
  throw new HomingError('NOT_IMPLEMENTED', `${method} is not built yet (issue 20 lands it in steps).`);
};

/** Sending mail, read side: identities, drafts, the outbox, prepared replies, the outgoing server's test. */
export function createOutgoingQueries(_ctx: QueryContext): MethodHandlers<OutgoingQueries> {
  return {
    listIdentities: notYet('listIdentities'),
    prepareResponse: notYet('prepareResponse'),
    listDrafts: notYet('listDrafts'),
    getDraft: notYet('getDraft'),
    listOutbox: notYet('listOutbox'),
    testOutgoingServer: notYet('testOutgoingServer'),
  };
}

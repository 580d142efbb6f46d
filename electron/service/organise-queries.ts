import type { MethodHandlers } from '../../shared/contract';
import { HomingError } from '../../shared/errors';
import type { QueryContext } from './query-context';

/** The tag menu and the undo log, read on the main thread. */
export function createOrganiseQueries(_ctx: QueryContext): MethodHandlers<'listTags' | 'listUndoable'> {
  return {
    listTags: () => Promise.reject(new HomingError('NOT_IMPLEMENTED', 'Tags are not built yet.')),
    listUndoable: () => Promise.reject(new HomingError('NOT_IMPLEMENTED', 'Undo is not built yet.')),
  };
}

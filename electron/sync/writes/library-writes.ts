import type { MethodHandlers } from '../../../shared/contract';
import { notBuilt } from '../../not-built';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';

/** Writes to the local library that are not server actions: import, completing a message, remote-content choices. */
type LibraryCommands = 'importMail' | 'completeMessage' | 'allowRemoteContent';

export function createLibraryWrites(_ctx: WriterContext, _runtime: SyncRuntime): MethodHandlers<LibraryCommands> {
  return {
    importMail: notBuilt('importMail'),
    completeMessage: notBuilt('completeMessage'),
    allowRemoteContent: notBuilt('allowRemoteContent'),
  };
}

import type { MethodHandlers } from '../../../shared/contract';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';
import { notBuilt } from '../../not-built';

type MessageCommands =
  | 'markMessages'
  | 'deleteMessages'
  | 'moveMessages'
  | 'completeMessage'
  | 'allowRemoteContent'
  | 'importMail';

export function createMessageWrites(_ctx: WriterContext, _runtime: SyncRuntime): MethodHandlers<MessageCommands> {
  return {
    markMessages: notBuilt('markMessages'),
    deleteMessages: notBuilt('deleteMessages'),
    moveMessages: notBuilt('moveMessages'),
    completeMessage: notBuilt('completeMessage'),
    allowRemoteContent: notBuilt('allowRemoteContent'),
    importMail: notBuilt('importMail'),
  };
}

import type { MethodHandlers } from '../../shared/contract';
import { notBuilt } from '../not-built';
import type { QueryContext } from './query-context';

type MessageQueries =
  | 'listFolders'
  | 'listMessages'
  | 'listMessageIds'
  | 'getMessageSummaries'
  | 'getMessage'
  | 'getMessageSource'
  | 'getAttachment'
  | 'getThread'
  | 'search'
  | 'exportFolder'
  | 'exportMessage';

export function createMessageQueries(_ctx: QueryContext): MethodHandlers<MessageQueries> {
  return {
    listFolders: notBuilt('listFolders'),
    listMessages: notBuilt('listMessages'),
    listMessageIds: notBuilt('listMessageIds'),
    getMessageSummaries: notBuilt('getMessageSummaries'),
    getMessage: notBuilt('getMessage'),
    getMessageSource: notBuilt('getMessageSource'),
    getAttachment: notBuilt('getAttachment'),
    getThread: notBuilt('getThread'),
    search: notBuilt('search'),
    exportFolder: notBuilt('exportFolder'),
    exportMessage: notBuilt('exportMessage'),
  };
}

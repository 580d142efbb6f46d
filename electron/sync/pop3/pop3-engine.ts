import { localFolders } from '../actions/local-folders';
import type { SyncEngine } from '../engine';
import { completeMessage } from './complete-message';
import { syncInbox } from './inbox-sync';
import { pop3Actions } from './pop3-actions';
import type { Pop3EngineOptions } from './pop3-session';

/**
 * POP3 on our own client (electron/protocols/pop3/). No push: the runtime calls syncOnce every check interval
 * with jitter (sync-runtime.ts). `options` are test hooks (network overrides, short timeouts).
 */
export function createPop3Engine(options: Pop3EngineOptions = {}): SyncEngine {
  return {
    hasServer: true,
    mirrorsServer: false,
    actions: pop3Actions,
    folders: localFolders,
    syncOnce: (ctx) => syncInbox(ctx, options),
    completeMessage: (ctx, messageId) => completeMessage(ctx, messageId, options),
  };
}

export const pop3Engine: SyncEngine = createPop3Engine();

import { type CommandName, contract, type MethodHandlers } from '../../shared/contract';
import { type Envelope, HomingError, toErrorData } from '../../shared/errors';
import { indexPendingSearch } from '../store/pending-search';
import { latestUndo } from '../store/undo-log';
import { onCommit } from '../store/write-transaction';
import { OutboxRunner } from './outgoing/outbox-runner';
import type { WriterContext } from './writer-context';
import { createAccountWrites } from './writes/account-writes';
import { createActionWrites } from './writes/action-writes';
import { createContactWrites } from './writes/contact-writes';
import { createLibraryWrites } from './writes/library-writes';
import { createOrganiseWrites } from './writes/organise-writes';
import { createOutgoingWrites } from './writes/outgoing-writes';
import { createRuleWrites } from './writes/rule-writes';
import { RereadRunner } from './reread-runner';
import { SyncRuntime } from './sync-runtime';
import { createSyncWrites } from './writes/sync-writes';
import type { WatchTiming } from './watch-policy';

export interface Writer {
  /** Runs one command. Arguments were validated on the main thread; they are validated again here. */
  handle(method: string, args: unknown): Promise<Envelope<unknown>>;
  dispose(): void;
}

/** The single writer's command table, and the change events it emits after each commit. */
export function createWriter(
  ctx: WriterContext,
  options: { watchTiming?: Partial<WatchTiming>; runtime?: SyncRuntime; rereadDelayMs?: number } = {},
): Writer {
  // Tests pass a runtime of their own to look at its loops; the worker lets the writer make one.
  const runtime = options.runtime ?? new SyncRuntime(ctx, options.watchTiming);
  const outbox = new OutboxRunner(ctx, runtime);
  const handlers: MethodHandlers<CommandName> = {
    ...createAccountWrites(ctx, runtime, (accountId) => outbox.accountEdited(accountId)),
    ...createActionWrites(ctx, runtime),
    ...createOrganiseWrites(ctx, runtime),
    ...createLibraryWrites(ctx, runtime),
    ...createSyncWrites(runtime, outbox),
    ...createOutgoingWrites(ctx, outbox),
    ...createContactWrites(ctx),
    ...createRuleWrites(ctx, runtime),
  };

  const stopListening = onCommit(ctx.db, (changes) => {
    if (changes.accountsChanged.size > 0) ctx.emit('accountsChanged', { accountIds: [...changes.accountsChanged] });
    for (const accountId of changes.foldersChanged) ctx.emit('foldersChanged', { accountId });
    for (const [accountId, { folderIds, messageIds }] of changes.contents) {
      ctx.emit('messagesChanged', { accountId, folderIds: [...folderIds], messageIds: [...messageIds] });
      // A change queued, confirmed or refused moves the status's "N changes waiting" (throttled there).
      runtime.status.refresh(accountId);
    }
    for (const [accountId, ids] of changes.outbox) ctx.emit('outboxChanged', { accountId, ids: [...ids] });
    for (const [accountId, ids] of changes.drafts) ctx.emit('draftsChanged', { accountId, ids: [...ids] });
    for (const accountId of changes.identities) ctx.emit('identitiesChanged', { accountId });
    if (changes.rules) ctx.emit('rulesChanged', {});
    if (changes.undoLog) ctx.emit('undoLogChanged', { latest: latestUndo(ctx.db)?.entry ?? null });
  });
  // A writer that starts after a crash first settles the messages that were being sent.
  outbox.recover();
  // Messages a killed sync pass stored between its header and body phases have no full-text row yet
  // (store/pending-search.ts): searchable by their headers from the start, whether or not a pass follows.
  try {
    indexPendingSearch(ctx.db, 'all');
  } catch {
    // A full disk: they stay marked; their folder's next body phase, or the next start, indexes them.
  }
  // Mail stored before the current parser is read again from its stored bytes, in the background.
  const reread = new RereadRunner(ctx.db, ctx.shutdown);
  reread.start(options.rereadDelayMs);

  return {
    async handle(method, args) {
      try {
        if (!Object.prototype.hasOwnProperty.call(handlers, method)) {
          throw new HomingError('UNKNOWN_METHOD', `The writer has no command ${method}.`);
        }
        const name = method as CommandName;
        const parsed = contract.methods[name].args.safeParse(args);
        if (!parsed.success) throw new HomingError('INVALID_ARGUMENT', `Invalid arguments for ${name}`);
        const run = handlers[name] as (a: unknown) => Promise<unknown>;
        return { ok: true, value: await run(parsed.data) };
      } catch (error) {
        return { ok: false, error: toErrorData(error) };
      }
    },
    dispose() {
      reread.dispose();
      outbox.dispose();
      stopListening();
    },
  };
}

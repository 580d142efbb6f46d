import type { MailService, Unsubscribe } from '../../shared/contract';
import type { Clock } from './clock';
import { NEW_MAIL_BATCH_MS, NEW_MAIL_MAX_WAIT_MS, SUMMARY_BATCH } from './limits';
import { decideNewMail, type NewMailNotification } from './new-mail-policy';

type NotifierService = Pick<MailService, 'on' | 'listAccounts' | 'listFolders' | 'getMessageSummaries' | 'listMessageIds'>;

export interface NotifierDeps {
  service: NotifierService;
  /** Shows one notification (the Electron adapter; a list in the tests). */
  show(notification: NewMailNotification): void;
  clock: Clock;
  platform: NodeJS.Platform;
  onError?(error: unknown): void;
}

export interface NewMailNotifier {
  /** Resolves once the starting state (the watermark, the known accounts) is read. */
  readonly ready: Promise<void>;
  /** Handles what has gathered now instead of after the batch delay (tests, and before quitting). */
  flush(): Promise<void>;
  stop(): void;
}

/**
 * Turns change events into new-mail notifications: gathers the message ids of a burst of commits, looks
 * them up once, and lets decideNewMail choose. Accounts added while the app runs stay quiet until their
 * first sync completes (their whole history would otherwise be "new"); ids they download only move the
 * watermark. Which account is quiet is decided when each event arrives (events come in commit order),
 * so a batch still waiting when the first sync ends is not announced.
 */
export function startNewMailNotifier(deps: NotifierDeps): NewMailNotifier {
  const { service, clock } = deps;
  let watermark: number | null = null;
  let known: Set<string> | null = null;
  const quiet = new Set<string>();
  const pending = new Set<number>();
  let quietHighest = 0;
  let firstPendingAt: number | null = null;
  let timer: unknown = null;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  const fail = (error: unknown) => deps.onError?.(error);

  const ready = (async () => {
    const [ids, accounts] = await Promise.allSettled([
      service.listMessageIds({ mailbox: { unified: 'inbox' }, sort: 'date-desc' }),
      service.listAccounts({}),
    ]);
    if (ids.status === 'fulfilled') watermark = Math.max(watermark ?? 0, maxOf(ids.value));
    else fail(ids.reason);
    if (accounts.status === 'fulfilled') known = new Set(accounts.value.map((a) => a.id));
    else fail(accounts.reason);
  })();

  const schedule = () => {
    const now = clock.now();
    firstPendingAt ??= now;
    const wait = Math.max(0, Math.min(NEW_MAIL_BATCH_MS, firstPendingAt + NEW_MAIL_MAX_WAIT_MS - now));
    if (timer !== null) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      timer = null;
      void flush();
    }, wait);
  };

  const handleBatch = async (ids: number[]) => {
    await ready;
    const top = Math.max(maxOf(ids), quietHighest);
    if (watermark === null) {
      // Nothing known yet (the id list could not be read): this batch only sets the mark.
      watermark = top;
      return;
    }
    const mark = watermark;
    const candidates = ids.filter((id) => id > mark);
    if (!candidates.length) {
      watermark = Math.max(mark, top);
      return;
    }
    try {
      const summaries = [];
      for (let i = 0; i < candidates.length; i += SUMMARY_BATCH) {
        summaries.push(...(await service.getMessageSummaries({ ids: candidates.slice(i, i + SUMMARY_BATCH) })));
      }
      const [accounts, folders] = await Promise.all([service.listAccounts({}), service.listFolders({})]);
      const decision = decideNewMail({
        messages: summaries,
        watermark: mark,
        accounts,
        inboxFolderIds: new Set(folders.filter((f) => f.specialUse === 'inbox').map((f) => f.id)),
        quietAccounts: quiet,
        now: clock.now(),
        platform: deps.platform,
      });
      if (!stopped) for (const notification of decision.notifications) deps.show(notification);
    } catch (error) {
      fail(error);
    } finally {
      // Seen is seen: a failed lookup is not retried, or one bad batch would be announced later as new.
      watermark = Math.max(watermark ?? 0, top);
    }
  };

  const flush = (): Promise<void> => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    firstPendingAt = null;
    const ids = [...pending];
    pending.clear();
    chain = chain.then(() => handleBatch(ids));
    return chain;
  };

  const stops: Unsubscribe[] = [
    service.on('messagesChanged', ({ accountId, messageIds }) => {
      // An account missing from the list read at start was added since: quiet until its first sync ends.
      if (known && !known.has(accountId)) {
        known.add(accountId);
        quiet.add(accountId);
      }
      if (quiet.has(accountId)) {
        quietHighest = Math.max(quietHighest, maxOf(messageIds));
        return;
      }
      for (const id of messageIds) pending.add(id);
      if (messageIds.length) schedule();
    }),
    service.on('syncProgressed', (status) => {
      if (status.phase === 'idle' && status.lastSyncedAt !== null) quiet.delete(status.accountId);
    }),
  ];

  return {
    ready,
    flush,
    stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      stops.forEach((stop) => stop());
    },
  };
}

/** The largest id, or 0 (a loop: spreading 100,000 ids into Math.max overflows the call stack). */
function maxOf(ids: readonly number[]): number {
  let max = 0;
  for (const id of ids) if (id > max) max = id;
  return max;
}

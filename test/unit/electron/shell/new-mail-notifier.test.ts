import { describe, expect, it } from 'vitest';
import { NEW_MAIL_BATCH_MS, NEW_MAIL_MAX_WAIT_MS } from '../../../../electron/shell/limits';
import type { NewMailNotification } from '../../../../electron/shell/new-mail-policy';
import { startNewMailNotifier } from '../../../../electron/shell/new-mail-notifier';
import { FakeClock, settle } from './fake-clock';
import { fakeService } from './fake-service';
import { account, folder, message, NOW } from './mail-fixtures';

function setup(options: { failing?: string[] } = {}) {
  const clock = new FakeClock();
  clock.advance(NOW);
  const fake = fakeService({
    accounts: [account('a')],
    folders: [folder(1, 'a', 'INBOX', 0, 'inbox')],
    messages: [message(1), message(2)],
    ...options,
  });
  const shown: NewMailNotification[] = [];
  const errors: unknown[] = [];
  const notifier = startNewMailNotifier({
    service: fake.service,
    show: (n) => shown.push(n),
    clock,
    platform: 'darwin',
    onError: (e) => errors.push(e),
  });
  /** Stores messages as the worker would, then sends their change event. */
  const arrive = (accountId: string, ...ids: number[]) => {
    fake.state.messages.push(...ids.map((id) => message(id, { accountId })));
    fake.emit('messagesChanged', { accountId, folderIds: [1], messageIds: ids });
  };
  return { clock, fake, shown, errors, notifier, arrive };
}

describe('the new-mail notifier', () => {
  it('announces mail that arrives after start, once the burst of commits settles', async () => {
    const t = setup();
    await t.notifier.ready;
    t.arrive('a', 3);
    t.arrive('a', 4);
    expect(t.clock.pending()).toEqual([NEW_MAIL_BATCH_MS]);
    t.clock.advance(NEW_MAIL_BATCH_MS);
    await settle();
    expect(t.shown.map((n) => n.messageId)).toEqual([3, 4]);
    expect(t.fake.calls.filter((c) => c === 'getMessageSummaries')).toHaveLength(1);
  });

  it('does not announce mail that was already there, nor the same message twice', async () => {
    const t = setup();
    await t.notifier.ready;
    t.fake.emit('messagesChanged', { accountId: 'a', folderIds: [1], messageIds: [1, 2] });
    await t.notifier.flush();
    t.arrive('a', 3);
    await t.notifier.flush();
    t.fake.emit('messagesChanged', { accountId: 'a', folderIds: [1], messageIds: [3] });
    await t.notifier.flush();
    expect(t.shown.map((n) => n.messageId)).toEqual([3]);
  });

  it('announces a steady stream at least every NEW_MAIL_MAX_WAIT_MS', async () => {
    const t = setup();
    await t.notifier.ready;
    let id = 10;
    for (let waited = 0; waited < NEW_MAIL_MAX_WAIT_MS; waited += NEW_MAIL_BATCH_MS / 2) {
      t.arrive('a', id++);
      t.clock.advance(NEW_MAIL_BATCH_MS / 2);
    }
    await settle();
    expect(t.shown.length).toBeGreaterThan(0);
  });

  it('keeps an account added while the app runs quiet until its first sync completes', async () => {
    const t = setup();
    await t.notifier.ready;
    t.fake.state.accounts.push(account('new'));
    t.arrive('new', 50, 51, 52);
    t.fake.emit('syncProgressed', {
      accountId: 'new', phase: 'idle', folder: null, done: 0, total: 0, online: true, lastError: null, lastSyncedAt: new Date(NOW).toISOString(),
      watching: true, offlineSince: null, nextAttemptAt: null, pendingChanges: 0, refusedChanges: 0, unreadableFolders: [],
    });
    await t.notifier.flush();
    expect(t.shown).toEqual([]);
    t.arrive('new', 53);
    await t.notifier.flush();
    expect(t.shown.map((n) => n.messageId)).toEqual([53]);
  });

  it('only sets the watermark from the first batch when the starting ids cannot be read', async () => {
    const t = setup({ failing: ['listMessageIds'] });
    await t.notifier.ready;
    expect(t.errors).toHaveLength(1);
    t.arrive('a', 3);
    await t.notifier.flush();
    t.arrive('a', 4);
    await t.notifier.flush();
    expect(t.shown.map((n) => n.messageId)).toEqual([4]);
  });

  it('reports a failed lookup and does not announce that batch later', async () => {
    const t = setup();
    await t.notifier.ready;
    t.fake.state.failing.add('getMessageSummaries');
    t.arrive('a', 3);
    await t.notifier.flush();
    expect(t.errors).toHaveLength(1);
    t.fake.state.failing.clear();
    t.fake.emit('messagesChanged', { accountId: 'a', folderIds: [1], messageIds: [3] });
    await t.notifier.flush();
    expect(t.shown).toEqual([]);
  });

  it('stops listening and showing when stopped', async () => {
    const t = setup();
    await t.notifier.ready;
    t.arrive('a', 3);
    t.notifier.stop();
    expect(t.fake.listenerCount()).toBe(0);
    expect(t.clock.pending()).toEqual([]);
    await t.notifier.flush();
    expect(t.shown).toEqual([]);
  });
});

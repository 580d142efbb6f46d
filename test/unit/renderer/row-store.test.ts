import { describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../../shared/contract/messages';
import { RowStore, type RowSource } from '../../../renderer/mail/row-store';

const summary = (id: number, subject = `m${id}`): MessageSummary =>
  ({ id, subject, seen: false, flagged: false }) as unknown as MessageSummary;

function fakeSource(count: number) {
  let ids = Array.from({ length: count }, (_, i) => i + 1);
  const batches: number[][] = [];
  const subjects = new Map<number, string>();
  const source: RowSource = {
    loadIds: async () => [...ids],
    loadSummaries: async (wanted) => {
      batches.push(wanted);
      return wanted.filter((id) => ids.includes(id)).map((id) => summary(id, subjects.get(id)));
    },
  };
  return { source, batches, setIds: (next: number[]) => (ids = next), subjects };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RowStore: rows by range for the virtual list', () => {
  it('loads the ids once and fetches only the rows shown, in batches of at most 200', async () => {
    const { source, batches } = fakeSource(100_000);
    const store = new RowStore(source);
    await store.reload();
    expect(store.ids).toHaveLength(100_000);
    expect(batches).toEqual([]);
    store.show(0, 30);
    await settle();
    expect(batches).toEqual([Array.from({ length: 30 }, (_, i) => i + 1)]);
    store.show(50_000, 50_450);
    await settle();
    expect(batches.slice(1).map((b) => b.length)).toEqual([200, 200, 50]);
    expect(store.get(50_001)?.subject).toBe('m50001');
    // Shown again: nothing fetched twice.
    store.show(0, 30);
    await settle();
    expect(batches).toHaveLength(4);
  });

  it('refetches changed rows near the viewport and forgets far ones', async () => {
    const { source, batches, subjects } = fakeSource(1000);
    const store = new RowStore(source);
    await store.reload();
    store.show(0, 20);
    await settle();
    store.show(500, 520);
    await settle();
    subjects.set(505, 'changed');
    store.invalidate([505, 3]);
    await settle();
    expect(batches.at(-1)).toEqual([505]);
    expect(store.get(505)?.subject).toBe('changed');
    expect(store.get(3)).toBeUndefined();
  });

  it('never puts an older reply over a newer one or over a later local change (replies may come back out of order)', async () => {
    let seen = false;
    const pending: Array<() => void> = [];
    const source: RowSource = {
      loadIds: async () => [1],
      // Each reply is the state when asked, delivered when the test says.
      loadSummaries: (wanted) => {
        const answer = wanted.map((id) => ({ ...summary(id), seen }));
        return new Promise((resolve) => pending.push(() => resolve(answer)));
      },
    };
    const store = new RowStore(source);
    await store.reload();
    store.show(0, 1);
    pending.shift()!();
    await settle();
    expect(store.get(1)?.seen).toBe(false);

    // Marked read on opening: the change event asks for the row (reply A says read) ...
    seen = true;
    store.invalidate([1]);
    // ... then the user marks it unread (optimistic), and its change event asks again (reply B: unread).
    store.patch([1], { seen: false });
    seen = false;
    store.invalidate([1]);
    const [a, b] = [pending.shift()!, pending.shift()!];
    b();
    await settle();
    a();
    await settle();
    expect(store.get(1)?.seen).toBe(false);

    // A reply asked before a local change is older than the change.
    seen = false;
    store.invalidate([1]);
    store.patch([1], { seen: true });
    pending.shift()!();
    await settle();
    expect(store.get(1)?.seen).toBe(true);
  });

  it('coalesces reloads and reports failures without losing the rows it has', async () => {
    let calls = 0;
    let fail = false;
    const store = new RowStore({
      loadIds: async () => {
        calls += 1;
        if (fail) throw new Error('gone');
        return [1, 2, 3];
      },
      loadSummaries: async (ids) => ids.map((id) => summary(id)),
    });
    await Promise.all([store.reload(), store.reload(), store.reload()]);
    expect(calls).toBe(2);
    expect(store.state).toBe('ready');
    fail = true;
    await store.reload();
    expect(store.state).toBe('failed');
    expect(store.ids).toEqual([1, 2, 3]);
  });

  it('applies optimistic patches and notifies subscribers', async () => {
    const { source } = fakeSource(10);
    const store = new RowStore(source);
    let notified = 0;
    store.subscribe(() => (notified += 1));
    await store.reload();
    store.show(0, 10);
    await settle();
    const before = notified;
    store.patch([2], { seen: true });
    expect(store.get(2)?.seen).toBe(true);
    expect(notified).toBe(before + 1);
  });
});

describe('RowStore: the first screen does not wait for the id list', () => {
  it('shows the first page at once, then swaps in the full list', async () => {
    let releaseIds: (ids: number[]) => void = () => undefined;
    const store = new RowStore({
      loadIds: () => new Promise((resolve) => (releaseIds = resolve)),
      loadSummaries: async (ids) => ids.map((id) => summary(id)),
      loadFirstPage: async () => [summary(1), summary(2)],
    });
    const loading = store.reload();
    await settle();
    expect(store.ids).toEqual([1, 2]);
    expect(store.provisional).toBe(true);
    expect(store.state).toBe('loading');
    expect(store.get(2)?.subject).toBe('m2');
    releaseIds([1, 2, 3, 4]);
    await loading;
    expect(store.ids).toEqual([1, 2, 3, 4]);
    expect(store.provisional).toBe(false);
    expect(store.state).toBe('ready');
  });

  it('ignores a first page that arrives after the full list', async () => {
    let releasePage: (page: MessageSummary[]) => void = () => undefined;
    const store = new RowStore({
      loadIds: async () => [5, 6],
      loadSummaries: async (ids) => ids.map((id) => summary(id)),
      loadFirstPage: () => new Promise((resolve) => (releasePage = resolve)),
    });
    await store.reload();
    releasePage([summary(9)]);
    await settle();
    expect(store.ids).toEqual([5, 6]);
  });
});

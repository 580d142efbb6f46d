import type { MessageSummary } from '../../shared/contract/messages';

/** Where a list's rows come from: a mailbox (ids once, summaries by range) or a fixed set of search hits. */
export interface RowSource {
  /** Every id in display order. */
  loadIds(): Promise<number[]>;
  loadSummaries(ids: number[]): Promise<MessageSummary[]>;
  /**
   * The first screenful, in display order, fetched alongside the ids: the id list of a large folder takes
   * far longer to arrive than one page (hundreds of milliseconds against a few at 100,000 messages), and
   * the first rows should not wait for it.
   */
  loadFirstPage?(): Promise<MessageSummary[]>;
}

/** getMessageSummaries takes at most 1,000 ids; 200 keeps each reply small and the first screen fast. */
const BATCH = 200;
/** Rows kept in memory beyond what is on screen; far-away rows are dropped and fetched again if needed. */
const CACHE_LIMIT = 4_000;

export type RowStoreState = 'loading' | 'ready' | 'failed';

/**
 * The rows of one message list, for a virtual list: ids in display order, and the summaries of the rows
 * near the viewport, fetched by range and cached by id. React reads it with useSyncExternalStore; every
 * change bumps `version`.
 */
export class RowStore {
  ids: number[] = [];
  state: RowStoreState = 'loading';
  /** `ids` is only the first page so far (the full list is on its way). */
  provisional = false;
  error: unknown = null;
  version = 0;
  private readonly summaries = new Map<number, MessageSummary>();
  private readonly inFlight = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private window: [number, number] = [0, 0];
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private disposed = false;
  /**
   * A clock of fetches and local patches per row: replies can come back in another order than asked
   * (the service reads on several connections), and a reply read before a later fetch or a later local
   * change must not put an older state back on screen (a message just marked unread showing as read).
   */
  private clock = 0;
  private readonly lastTouched = new Map<number, number>();

  constructor(
    private readonly source: RowSource,
    initial: MessageSummary[] = [],
  ) {
    for (const summary of initial) this.summaries.set(summary.id, summary);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  get(id: number): MessageSummary | undefined {
    return this.summaries.get(id);
  }

  indexOf(id: number): number {
    return this.ids.indexOf(id);
  }

  /** Loads (or reloads) the ids; overlapping calls coalesce into one more load after the current one. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    if (this.state === 'loading' && this.ids.length === 0 && this.source.loadFirstPage) {
      this.source.loadFirstPage().then(
        (page) => {
          if (this.disposed || this.state !== 'loading' || this.ids.length > 0) return;
          for (const summary of page) this.summaries.set(summary.id, summary);
          this.ids = page.map((m) => m.id);
          this.provisional = true;
          this.changed();
        },
        () => undefined, // The full load reports errors.
      );
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          const ids = await this.source.loadIds();
          if (this.disposed) return;
          this.ids = ids;
          this.provisional = false;
          this.state = 'ready';
          this.error = null;
        } catch (error) {
          if (this.disposed) return;
          this.state = 'failed';
          this.error = error;
        }
        this.changed();
        this.fill();
      } while (this.reloadAgain && !this.disposed);
    })().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  /** The rows [start, end) are on screen (with overscan): fetch what is missing. */
  show(start: number, end: number): void {
    this.window = [start, end];
    this.fill();
  }

  /** Messages that changed: fetch them again if they are near the viewport, else forget them. */
  invalidate(ids: Iterable<number>): void {
    const [start, end] = this.window;
    const near = new Set(this.ids.slice(start, end));
    const again: number[] = [];
    for (const id of ids) {
      if (!this.summaries.has(id)) continue;
      if (near.has(id)) again.push(id);
      else this.forget(id);
    }
    if (again.length) void this.fetch(again, true);
  }

  /** Applies a local change at once (optimistic), before the change event confirms it. */
  patch(ids: number[], change: Partial<MessageSummary>): void {
    const now = ++this.clock;
    for (const id of ids) {
      const summary = this.summaries.get(id);
      if (summary) this.summaries.set(id, { ...summary, ...change });
      this.lastTouched.set(id, now);
    }
    this.changed();
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  private fill(): void {
    const [start, end] = this.window;
    const missing = this.ids.slice(start, end).filter((id) => !this.summaries.has(id) && !this.inFlight.has(id));
    for (let i = 0; i < missing.length; i += BATCH) void this.fetch(missing.slice(i, i + BATCH), false);
  }

  private async fetch(ids: number[], refresh: boolean): Promise<void> {
    if (!refresh) for (const id of ids) this.inFlight.add(id);
    const started = ++this.clock;
    for (const id of ids) this.lastTouched.set(id, started);
    try {
      const rows = await this.source.loadSummaries(ids);
      if (this.disposed) return;
      for (const row of rows) {
        // Something newer about this row (a later fetch, a local change) already is, or will be, on screen.
        const stale = (this.lastTouched.get(row.id) ?? 0) > started && this.summaries.has(row.id);
        if (!stale) this.summaries.set(row.id, row);
      }
      this.trim();
      this.changed();
    } catch (error) {
      if (this.disposed) return;
      this.error = error;
      this.changed();
    } finally {
      for (const id of ids) this.inFlight.delete(id);
    }
  }

  private trim(): void {
    if (this.summaries.size <= CACHE_LIMIT) return;
    const [start, end] = this.window;
    const keep = new Set(this.ids.slice(Math.max(0, start - 500), end + 500));
    for (const id of this.summaries.keys()) {
      if (!keep.has(id)) this.forget(id);
      if (this.summaries.size <= CACHE_LIMIT / 2) break;
    }
  }

  private forget(id: number): void {
    this.summaries.delete(id);
    this.lastTouched.delete(id);
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}

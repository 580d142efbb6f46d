/**
 * Draft autosave: saves a moment after the user stops typing (and at least every `maxWaitMs` while they keep
 * typing), one save at a time, again at once if they typed during a save, and retries a failed save with
 * a growing pause. The composer shows the state ("Saving…", "Saved", "Not saved: …"), and calls flush()
 * before anything that could lose text (sending, closing, a large paste, switching to plain text).
 */
export type SaveState =
  | { kind: 'clean' }
  | { kind: 'unsaved' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: number }
  | { kind: 'failed'; error: unknown; retryInMs: number };

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface AutosaveOptions {
  /** Saves what the composer holds now. */
  save(): Promise<void>;
  onState(state: SaveState): void;
  clock?: Clock;
  /** Quiet time after the last change before saving. */
  debounceMs?: number;
  /** Longest a change waits while the user keeps typing. */
  maxWaitMs?: number;
  /** First pause after a failed save; doubles up to a minute. */
  retryMs?: number;
}

const MAX_RETRY_MS = 60_000;

export class Autosave {
  private readonly clock: Clock;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly retryMs: number;
  private dirty = false;
  private dirtySince: number | null = null;
  private timer: unknown = null;
  private inFlight: Promise<void> | null = null;
  private lastError: unknown = null;
  private failures = 0;
  private disposed = false;

  constructor(private readonly options: AutosaveOptions) {
    this.clock = options.clock ?? browserClock;
    this.debounceMs = options.debounceMs ?? 1500;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
    this.retryMs = options.retryMs ?? 2000;
  }

  /** The content changed. */
  changed(): void {
    if (this.disposed) return;
    this.dirty = true;
    this.dirtySince ??= this.clock.now();
    if (!this.inFlight && this.failures === 0) this.options.onState({ kind: 'unsaved' });
    const waited = this.clock.now() - this.dirtySince;
    this.schedule(Math.max(0, Math.min(this.debounceMs, this.maxWaitMs - waited)));
  }

  /** True while something typed is not saved yet. */
  get pending(): boolean {
    return this.dirty || this.inFlight !== null;
  }

  /** Saves now what is not saved; resolves once everything is, rejects with the error when a save fails. */
  async flush(): Promise<void> {
    this.cancelTimer();
    while (!this.disposed && (this.dirty || this.inFlight)) {
      if (this.inFlight) {
        await this.inFlight;
        continue;
      }
      await this.run();
      if (this.lastError !== null) throw this.lastError;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.run();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): Promise<void> {
    if (this.inFlight || this.disposed || !this.dirty) return this.inFlight ?? Promise.resolve();
    this.dirty = false;
    this.dirtySince = null;
    this.options.onState({ kind: 'saving' });
    this.inFlight = (async () => {
      try {
        await this.options.save();
        this.lastError = null;
        this.failures = 0;
        if (this.disposed) return;
        if (this.dirty) this.options.onState({ kind: 'unsaved' });
        else this.options.onState({ kind: 'saved', at: this.clock.now() });
      } catch (error) {
        this.lastError = error;
        this.dirty = true;
        this.dirtySince ??= this.clock.now();
        this.failures++;
        const retryInMs = Math.min(MAX_RETRY_MS, this.retryMs * 2 ** (this.failures - 1));
        if (!this.disposed) this.options.onState({ kind: 'failed', error, retryInMs });
      } finally {
        this.inFlight = null;
      }
      if (this.disposed) return;
      if (this.failures > 0) this.schedule(Math.min(MAX_RETRY_MS, this.retryMs * 2 ** (this.failures - 1)));
      else if (this.dirty) this.schedule(0);
    })();
    return this.inFlight;
  }
}

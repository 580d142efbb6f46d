import { HomingError } from '../../../shared/errors';
import type { ImapConnection } from '../../protocols/imap/imap-connection';
import { ParsePool } from '../parse-pool';
import { fetchBodiesBeside } from './folder-bodies';
import { connectAccount, type ImapPass } from './imap-pass';

/**
 * What the header phase of one folder tells a body fetch running beside it: a batch of header rows was
 * committed (more rows without a body may be there), or the last one was.
 */
export class HeaderFeed {
  /** Header batches committed so far. */
  private version = 0;
  private finished = false;
  private waiters: Array<() => void> = [];

  get done(): boolean {
    return this.finished;
  }

  get committedBatches(): number {
    return this.version;
  }

  /** A header batch was committed. */
  committed(): void {
    this.version++;
    this.wake();
  }

  /** No more header rows will come (the phase ended, or failed). */
  finish(): void {
    this.finished = true;
    this.wake();
  }

  /** Resolves once a batch after `seen` was committed, or the phase ended. */
  after(seen: number): Promise<void> {
    if (this.finished || this.version > seen) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

/**
 * Bodies fetched on a second connection while a large folder's headers still arrive on the pass's own
 * (issue #26: the header phase of a 10,000-message INBOX ran alone for about a quarter of an initial
 * sync while the parse thread had nothing to do). The body fetch follows the header rows down, newest
 * first, as they are committed. It writes what the body phase would (the same commits), so it changes
 * nothing a crash or a cut can leave behind; it is only ahead of time. Whatever it did not fetch (its
 * connection refused, cut, or the folder's headers ended before it caught up) the pass's own body phase
 * fetches afterwards, as before: a failure here never fails the pass. Rules on arrival still settle only
 * in that body phase (fetchFolderBodies).
 */
export class BodiesAlongside {
  private connection: Promise<ImapConnection | null> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly jobs = new Map<number, Promise<void>>();
  private stopped = false;
  /** Cuts the second connection (or its login) short when the pass fails. */
  private readonly abort = new AbortController();

  constructor(private readonly pass: ImapPass) {}

  /** Fetches `folderId`'s bodies beside its header phase, after any folder's started before it. */
  start(folderId: number, feed: HeaderFeed): void {
    if (this.stopped) return;
    // The connection is opened once per pass, by the first folder large enough, and quietly: the pass
    // is already connected as far as the status board is concerned.
    const engine = this.pass.engine;
    this.connection ??= connectAccount({ ...engine, signal: AbortSignal.any([engine.signal, this.abort.signal]), progress: () => undefined }).catch(() => null);
    const connection = this.connection;
    // The parse threads load mailparser while the connection logs in, not after its first FETCH.
    ParsePool.shared().warm();
    const job = this.chain.then(async () => {
      const open = await connection;
      if (!open || !open.usable || this.stopped) return;
      try {
        await fetchBodiesBeside(this.besidePass(open), folderId, feed);
      } catch {
        // The pass's own body phase fetches what is left, and meets any lasting error itself.
      }
    });
    this.chain = job;
    this.jobs.set(folderId, job);
  }

  /** Before a folder's own body phase: its bodies fetched beside the headers are all committed. */
  async settled(folderId: number): Promise<void> {
    await this.jobs.get(folderId);
  }

  /**
   * Ends the second connection: after the last job when the pass went well, at once (the job's FETCH
   * cut, nothing committed after this resolves) when it failed. Always before the pass gives up its lock.
   */
  async close(failed: boolean): Promise<void> {
    if (failed) {
      this.stopped = true;
      this.abort.abort();
    }
    await this.chain;
    this.stopped = true;
    const open = this.connection ? await this.connection : null;
    await open?.logout();
  }

  private besidePass(connection: ImapConnection): ImapPass {
    const { pass } = this;
    const stopped = () => this.stopped;
    return {
      engine: pass.engine,
      db: pass.db,
      account: pass.account,
      connection,
      tempDir: pass.tempDir,
      get added() {
        return pass.added;
      },
      set added(value: number) {
        pass.added = value;
      },
      get bodies() {
        return pass.bodies;
      },
      set bodies(value: number) {
        pass.bodies = value;
      },
      // The header phase reports the folder's progress; the bodies it overtook are counted by the body phase.
      progress: () => undefined,
      checkpoint() {
        pass.checkpoint();
        if (stopped()) throw new HomingError('CANCELLED', 'Sync was stopped.');
      },
    };
  }
}

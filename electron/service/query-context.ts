import type { SyncStatus } from '../../shared/contract/sync';
import type { CredentialVault } from '../accounts/vault';
import type { ReadDb } from '../store/db';

/** What the main thread's query handlers get: the read-only connection and what the service knows. */
export interface QueryContext {
  readonly db: ReadDb;
  readonly dataDir: string;
  readonly vault: CredentialVault;
  /** True while this process holds the data directory's writer lock. */
  writable(): boolean;
  /** The latest syncProgressed payload per account, as the worker reported it. */
  readonly syncStatus: ReadonlyMap<string, SyncStatus>;
  /**
   * Downloads the rest of a message stored as headers only or partial (the writer's completeMessage).
   * Absent where no writer can be started (tests of single query groups): whole-message output then
   * answers BODY_NOT_DOWNLOADED for such a message.
   */
  completeMessage?(id: number): Promise<void>;
}

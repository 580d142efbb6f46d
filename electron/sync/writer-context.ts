import type { EventName, EventPayload } from '../../shared/contract';
import type { CredentialVault } from '../accounts/vault';
import type { WriteDb } from '../store/db';

/** What every write handler in the worker gets: the write connection, the vault, and a way to emit events. */
export interface WriterContext {
  readonly db: WriteDb;
  readonly dataDir: string;
  readonly vault: CredentialVault;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Aborted when the worker shuts down: long operations (sync, watch) stop at the next safe point. */
  readonly shutdown: AbortSignal;
}

import { type Envelope, HomingError } from '../../shared/errors';
import type { CredentialVault } from '../accounts/vault';
import type { FromWorker, VaultRequest } from './worker-protocol';

/** The worker's view of the vault: every call is a request to the main thread, which owns the real one. */
export class WorkerVaultProxy implements CredentialVault {
  readonly description = 'main-thread vault';
  readonly weakness = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (envelope: Envelope<unknown>) => void>();

  constructor(private readonly post: (message: FromWorker) => void) {}

  /** Called by the worker's message loop with each `vault-reply`. */
  settle(id: number, envelope: Envelope<unknown>): void {
    this.waiting.get(id)?.(envelope);
    this.waiting.delete(id);
  }

  async getPassword(accountId: string): Promise<string | null> {
    const value = await this.request({ op: 'get', accountId });
    return typeof value === 'string' ? value : null;
  }
  async setPassword(accountId: string, password: string): Promise<void> {
    await this.request({ op: 'set', accountId, password });
  }
  async deletePassword(accountId: string): Promise<void> {
    await this.request({ op: 'delete', accountId });
  }

  private request(request: VaultRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (envelope) => {
        if (envelope.ok) resolve(envelope.value);
        else reject(HomingError.fromData(envelope.error));
      });
      this.post({ type: 'vault-request', id, request });
    });
  }
}

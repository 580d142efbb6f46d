import type { Unsubscribe } from './contract';
import type { Envelope } from './errors';

/** What the preload exposes as `window.homing`: two functions, nothing else. */
export interface HomingPreloadApi {
  invoke(method: string, args: unknown): Promise<Envelope<unknown>>;
  on(listener: (event: string, payload: unknown) => void): Unsubscribe;
}

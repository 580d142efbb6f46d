import type { ClientTransport } from '../../shared/client';
import type { HomingPreloadApi } from '../../shared/homing-bridge';

/** Inside Electron: the two functions the preload exposes as `window.homing`. */
export function ipcTransport(homing: HomingPreloadApi): ClientTransport {
  return {
    invoke: (method, args) => homing.invoke(method, args),
    subscribe: (listener) => homing.on(listener),
  };
}

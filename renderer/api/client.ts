import { createClient, type MailClient } from '../../shared/client';
import type { HomingPreloadApi } from '../../shared/homing-bridge';
import { bridgeTransport } from './bridge-transport';
import { ipcTransport } from './ipc-transport';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser. */
    homing?: HomingPreloadApi;
  }
}

/** The renderer's only way to the backend: IPC inside Electron, the loopback bridge in a browser. */
export const api: MailClient = createClient(window.homing ? ipcTransport(window.homing) : bridgeTransport(window.location));

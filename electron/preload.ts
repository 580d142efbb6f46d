/**
 * The preload: the only bridge between the sandboxed page and the main process. It exposes exactly two
 * functions as `window.homing`; everything else the page wants goes through them and is checked by the
 * gatekeeper (ipc-gate.ts). Bundled as one CommonJS file: sandboxed preloads cannot load modules.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/channels';
import type { HomingPreloadApi } from '../shared/homing-bridge';
import type { Envelope } from '../shared/errors';

const api: HomingPreloadApi = {
  invoke: (method, args) => ipcRenderer.invoke(INVOKE_CHANNEL, { method, args }) as Promise<Envelope<unknown>>,
  on(listener) {
    const handler = (_event: IpcRendererEvent, message: { event?: unknown; payload?: unknown }) => {
      if (typeof message?.event === 'string') listener(message.event, message.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('homing', api);

import { type BrowserWindow, ipcMain } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/channels';
import { type EventName, type EventPayload, eventNames, type MailService } from '../shared/contract';
import { desktopEvents, type DesktopHandlers } from '../shared/contract/desktop';
import { createIpcGate } from './ipc-gate';

export interface IpcServer {
  /** Sends an event of the shell's own (a menu action, a clicked notification) to the window. */
  send<E extends keyof typeof desktopEvents>(event: E, payload: EventPayload<E>): void;
  /** Takes the handler and the event forwarding down again. */
  stop(): void;
}

/** Serves MailService and the desktop methods to one window over IPC, and forwards the service's events. */
export function serveIpc(service: MailService, window: BrowserWindow, desktop: DesktopHandlers): IpcServer {
  const gate = createIpcGate(service, (id) => !window.isDestroyed() && window.webContents.id === id, desktop);
  ipcMain.handle(INVOKE_CHANNEL, (event, payload: unknown) =>
    gate(
      {
        frameUrl: event.senderFrame?.url ?? '',
        isMainFrame: event.senderFrame !== null && event.senderFrame === event.sender.mainFrame,
        webContentsId: event.sender.id,
      },
      payload,
    ),
  );
  const post = (name: EventName, payload: unknown) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, { event: name, payload });
  };
  const stops = eventNames
    .filter((name) => !Object.prototype.hasOwnProperty.call(desktopEvents, name))
    .map((name) => service.on(name, (payload) => post(name, payload)));
  return {
    send: (event, payload) => post(event, payload),
    stop() {
      ipcMain.removeHandler(INVOKE_CHANNEL);
      stops.forEach((stop) => stop());
    },
  };
}

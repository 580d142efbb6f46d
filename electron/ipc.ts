import { type BrowserWindow, ipcMain } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/channels';
import { type EventName, type EventPayload, eventNames, type MailService } from '../shared/contract';
import { desktopEvents, type DesktopHandlers } from '../shared/contract/desktop';
import { createIpcGate } from './ipc-gate';

export interface IpcServer {
  /** Sends an event of the shell's own (a menu action, a clicked notification) to the mail window. */
  send<E extends keyof typeof desktopEvents>(event: E, payload: EventPayload<E>): void;
  /** Serves another window of the app as well (a composer) until it closes. */
  add(window: BrowserWindow): void;
  /** Takes the handler and the event forwarding down again. */
  stop(): void;
}

/**
 * Serves MailService and the desktop methods over IPC to the mail window and the app's other windows
 * (composers, added as they open), and forwards the service's events to all of them.
 */
export function serveIpc(service: MailService, window: BrowserWindow, desktop: DesktopHandlers): IpcServer {
  const windows = new Set<BrowserWindow>([window]);
  const gate = createIpcGate(service, (id) => [...windows].some((w) => !w.isDestroyed() && w.webContents.id === id), desktop);
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
  const postTo = (target: BrowserWindow, name: EventName, payload: unknown) => {
    if (!target.isDestroyed()) target.webContents.send(EVENT_CHANNEL, { event: name, payload });
  };
  const post = (name: EventName, payload: unknown) => {
    for (const target of windows) postTo(target, name, payload);
  };
  const stops = eventNames
    .filter((name) => !Object.prototype.hasOwnProperty.call(desktopEvents, name))
    .map((name) => service.on(name, (payload) => post(name, payload)));
  return {
    send: (event, payload) => postTo(window, event, payload),
    add(other) {
      windows.add(other);
      other.on('closed', () => windows.delete(other));
    },
    stop() {
      ipcMain.removeHandler(INVOKE_CHANNEL);
      stops.forEach((stop) => stop());
    },
  };
}

import { type BrowserWindow, ipcMain } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/channels';
import { eventNames, type MailService } from '../shared/contract';
import { createIpcGate } from './ipc-gate';

/** Serves MailService to one window over IPC. Returns the function that takes it all down again. */
export function serveIpc(service: MailService, window: BrowserWindow): () => void {
  const gate = createIpcGate(service, (id) => !window.isDestroyed() && window.webContents.id === id);
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
  const stops = eventNames.map((name) =>
    service.on(name, (payload) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, { event: name, payload });
    }),
  );
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    stops.forEach((stop) => stop());
  };
}

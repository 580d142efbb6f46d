import WebSocket from 'ws';
import { type ClientTransport, createClient, type MailClient } from '../../shared/client';
import type { Envelope } from '../../shared/errors';

/**
 * The service of a running dev-web, from Node, over the same loopback bridge the page uses: lets a test
 * change the store while the page watches (mail arriving), as another process would.
 */
export async function bridgeClient(appUrl: string): Promise<{ api: MailClient; close(): void }> {
  const url = new URL(appUrl);
  const token = new URLSearchParams(url.hash.replace(/^#/, '')).get('token') ?? '';
  const socket = new WebSocket(`ws://${url.host}/bridge?token=${encodeURIComponent(token)}`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waiting = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  let nextId = 1;
  // A socket the bridge closed (or a bridge that died) answers every call still waiting, so a test fails
  // at once instead of at its timeout.
  socket.on('close', (code) => {
    for (const resolve of waiting.values()) resolve({ ok: false, error: { code: 'CONNECTION_LOST', message: `bridge socket closed (${code})` } });
    waiting.clear();
  });
  socket.on('error', () => undefined);
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; envelope?: Envelope<unknown>; event?: string; payload?: unknown };
    if (typeof message.id === 'number' && message.envelope) {
      waiting.get(message.id)?.(message.envelope);
      waiting.delete(message.id);
    } else if (typeof message.event === 'string') {
      for (const listener of listeners) listener(message.event, message.payload);
    }
  });
  const transport: ClientTransport = {
    invoke: (method, args) =>
      new Promise((resolve) => {
        const id = nextId++;
        if (socket.readyState !== socket.OPEN) {
          resolve({ ok: false, error: { code: 'CONNECTION_LOST', message: 'bridge socket is closed' } });
          return;
        }
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, args }));
      }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { api: createClient(transport), close: () => socket.close() };
}

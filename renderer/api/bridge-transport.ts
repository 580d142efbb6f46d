import type { ClientTransport } from '../../shared/client';
import type { Envelope } from '../../shared/errors';

/**
 * In a plain browser (tests, `npm run dev:web`): the loopback WebSocket bridge. The token comes from the
 * page's fragment (`#token=…`), which browsers never send to a server.
 */
export function bridgeTransport(location: Location): ClientTransport {
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge?token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('The connection to Homing failed.')), { once: true });
  });
  const waiting = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  let nextId = 1;

  socket.addEventListener('message', (message) => {
    let data: { id?: unknown; envelope?: Envelope<unknown>; event?: unknown; payload?: unknown };
    try {
      data = JSON.parse(String(message.data)) as typeof data;
    } catch {
      return;
    }
    if (typeof data.id === 'number' && data.envelope) {
      waiting.get(data.id)?.(data.envelope);
      waiting.delete(data.id);
    } else if (typeof data.event === 'string') {
      for (const listener of listeners) listener(data.event, data.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const settle of waiting.values()) {
      settle({ ok: false, error: { code: 'CONNECTION_LOST', message: 'The connection to Homing was closed.' } });
    }
    waiting.clear();
  });

  return {
    async invoke(method, args) {
      try {
        await opened;
      } catch {
        return { ok: false, error: { code: 'CONNECTION_LOST', message: 'Homing’s backend is not reachable.' } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, args }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

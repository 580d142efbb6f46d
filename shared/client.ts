import {
  contract,
  type EventName,
  type EventPayload,
  isEventName,
  type MethodArgsInput,
  type MethodName,
  type MethodResult,
  methodNames,
  type Unsubscribe,
} from './contract';
import { type Envelope, HomingError } from './errors';

/**
 * The service as a caller sees it: arguments as written (defaults may be left out), the result or a
 * thrown HomingError. The renderer, the CLI and tests all use this; the transport underneath differs.
 */
export type MailClient = {
  [M in MethodName]: (args: MethodArgsInput<M>) => Promise<MethodResult<M>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
};

export interface ClientTransport {
  invoke(method: MethodName, args: unknown): Promise<Envelope<unknown>>;
  /** Delivers every event; the client validates each payload against the contract before listeners see it. */
  subscribe(listener: (event: string, payload: unknown) => void): Unsubscribe;
}

export function createClient(transport: ClientTransport): MailClient {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let unsubscribeTransport: Unsubscribe | null = null;

  const deliver = (event: string, payload: unknown) => {
    if (!isEventName(event)) return;
    const parsed = contract.events[event].payload.safeParse(payload);
    if (!parsed.success) return;
    for (const listener of listeners.get(event) ?? []) listener(parsed.data);
  };

  const client = Object.fromEntries(
    methodNames.map((name) => [
      name,
      async (args: unknown) => {
        const envelope = await transport.invoke(name, args ?? {});
        if (envelope.ok) return envelope.value;
        throw HomingError.fromData(envelope.error);
      },
    ]),
  ) as Omit<MailClient, 'on'>;

  return Object.assign(client, {
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
      unsubscribeTransport ??= transport.subscribe(deliver);
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const entry = listener as (payload: unknown) => void;
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
  }) as MailClient;
}

import type { EventName, EventPayload, MailService } from '../../../../shared/contract';
import type { Account } from '../../../../shared/contract/accounts';
import type { Folder, MessageSummary } from '../../../../shared/contract/messages';

/**
 * The few MailService methods the shell reads, over data a test controls, plus `emit` to send events as
 * the service would after a commit. `calls` records which methods were used.
 */
export function fakeService(data: { accounts?: Account[]; folders?: Folder[]; messages?: MessageSummary[]; failing?: string[] } = {}) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: string[] = [];
  const state = { accounts: data.accounts ?? [], folders: data.folders ?? [], messages: data.messages ?? [], failing: new Set(data.failing ?? []) };
  const call = <T>(name: string, value: () => T): Promise<T> => {
    calls.push(name);
    return state.failing.has(name) ? Promise.reject(new Error(`${name} failed`)) : Promise.resolve(value());
  };
  const service = {
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    listAccounts: () => call('listAccounts', () => state.accounts),
    listFolders: () => call('listFolders', () => state.folders),
    listMessageIds: () => call('listMessageIds', () => state.messages.filter((m) => m.folder.toUpperCase() === 'INBOX').map((m) => m.id)),
    getMessageSummaries: ({ ids }: { ids: number[] }) => call('getMessageSummaries', () => state.messages.filter((m) => ids.includes(m.id))),
  } satisfies Partial<MailService>;
  return {
    service,
    state,
    calls,
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
  };
}

import type * as z from 'zod';
import { accountEvents, accountMethods } from './contract/accounts';
import { appMethods } from './contract/app';
import { contactMethods } from './contract/contacts';
import type { EventSpec, MethodSpec } from './contract/define';
import { desktopEvents } from './contract/desktop';
import { messageEvents, messageMethods } from './contract/messages';
import { organiseEvents, organiseMethods } from './contract/organise';
import { outgoingEvents, outgoingMethods } from './contract/outgoing';
import { ruleEvents, ruleMethods } from './contract/rules';
import { syncEvents, syncMethods } from './contract/sync';
import type { Envelope } from './errors';

/**
 * The single source of truth for everything that crosses the IPC boundary: every service method with its
 * argument validator and result type, every event with its payload. IPC handlers, the preload, the test
 * bridge, the CLI and the renderer's API client all derive from this object.
 */
export const contract = {
  methods: { ...appMethods, ...accountMethods, ...messageMethods, ...organiseMethods, ...syncMethods, ...outgoingMethods, ...contactMethods, ...ruleMethods },
  // desktopEvents come from the Electron shell itself (menu, notifications), never from MailService.
  events: { ...accountEvents, ...messageEvents, ...organiseEvents, ...syncEvents, ...outgoingEvents, ...ruleEvents, ...desktopEvents },
} as const;

type Methods = typeof contract.methods;
type Events = typeof contract.events;

export type MethodName = keyof Methods;
export type EventName = keyof Events;

/** Arguments as a caller writes them (defaults may be left out). */
export type MethodArgsInput<M extends MethodName> = z.input<Methods[M]['args']>;
/** Arguments after validation (defaults filled in): what the service receives. */
export type MethodArgs<M extends MethodName> = z.output<Methods[M]['args']>;
export type MethodResult<M extends MethodName> = Methods[M] extends MethodSpec<z.ZodType, infer R, boolean> ? R : never;
/** Methods that change the store: carried out by the single writer. */
export type CommandName = { [M in MethodName]: Methods[M]['writes'] extends true ? M : never }[MethodName];
/** Methods answered from the read-only connection. */
export type QueryName = Exclude<MethodName, CommandName>;
export type EventPayload<E extends EventName> = Events[E] extends EventSpec<infer P> ? z.output<P> : never;

export type Unsubscribe = () => void;

export type MethodHandlers<M extends MethodName> = { [K in M]: (args: MethodArgs<K>) => Promise<MethodResult<K>> };

/** The service as its implementation provides it: validated arguments in, result out. */
export type MailService = MethodHandlers<MethodName> & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
};

/** What a transport (IPC, the bridge) carries: one call by name, one envelope back. */
export interface Transport {
  invoke(method: string, args: unknown): Promise<Envelope<unknown>>;
  on(listener: (event: string, payload: unknown) => void): Unsubscribe;
}

export const methodNames = Object.keys(contract.methods) as MethodName[];
export const commandNames = methodNames.filter((name) => contract.methods[name].writes) as CommandName[];
export const eventNames = Object.keys(contract.events) as EventName[];
/**
 * Methods whose arguments name files on this computer (import, export): the one list every gate uses.
 * `dispatch` refuses them unless its caller opts in (the CLI does; IPC and the bridge do not).
 */
export const pathMethodNames: ReadonlySet<MethodName> = new Set(
  methodNames.filter((name) => contract.methods[name].namesFiles === true),
);

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract.methods, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract.events, name);
/** Events the Electron shell sends itself (menu, notifications); MailService never emits them. */
export const isDesktopEvent = (name: unknown): boolean =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(desktopEvents, name);

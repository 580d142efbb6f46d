import * as z from 'zod';
import { type ErrorData, isErrorCode } from '../../shared/errors';

/**
 * What travels on the command socket, both ways, validated on arrival. A connection starts with the
 * client's hello (the token from the socket record) and the holder's welcome; after that the client
 * sends calls (a contract method and its arguments, checked by the same `dispatch` gate as IPC) and may
 * subscribe to the service's events. `bye` comes before the holder closes a connection it refuses.
 */
export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  token: z.string().max(200),
  version: z.string().max(100),
});

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('call'), id: z.number().int().nonnegative(), method: z.string().max(100), args: z.unknown() }),
  z.strictObject({ type: z.literal('subscribe') }),
]);

const errorDataSchema = z
  .object({ code: z.string(), message: z.string(), detail: z.record(z.string(), z.unknown()).optional() })
  // A code this version does not know (it cannot happen between equal versions) reads as INTERNAL.
  .transform((data): ErrorData => ({ ...data, code: isErrorCode(data.code) ? data.code : 'INTERNAL' }));

const envelopeSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown().optional() }),
  z.strictObject({ ok: z.literal(false), error: errorDataSchema }),
]);

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('welcome'), pid: z.number().int(), version: z.string() }),
  z.strictObject({ type: z.literal('bye'), error: errorDataSchema }),
  z.strictObject({ type: z.literal('result'), id: z.number().int().nonnegative(), envelope: envelopeSchema }),
  z.strictObject({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);

export type Hello = z.output<typeof helloSchema>;
export type ClientMessage = z.output<typeof clientMessageSchema>;
export type ServerMessage = z.output<typeof serverMessageSchema>;

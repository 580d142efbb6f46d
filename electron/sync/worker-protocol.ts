import * as z from 'zod';

/**
 * Messages between the main thread and the sync worker. Both ends validate what they receive: the
 * worker boundary is a process boundary in miniature, and a malformed message must fail loudly.
 */

const errorData = z.object({
  code: z.string(),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

const envelope = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorData }),
]);

export const workerInitSchema = z.object({
  dataDir: z.string(),
  dbPath: z.string(),
  nativeBinding: z.string().optional(),
  /** Shorter watch timings (watch-policy.ts) for tests and the soak benchmark; the app never sets them. */
  watchTiming: z
    .strictObject({
      retryBaseMs: z.number().int().positive(),
      retryMaxMs: z.number().int().positive(),
      needsUserMaxMs: z.number().int().positive(),
      checkIntervalMs: z.number().int().positive().nullable(),
      idleCheckMs: z.number().int().positive(),
      noopTimeoutMs: z.number().int().positive(),
      wakeTickMs: z.number().int().positive(),
      wakeSlackMs: z.number().int().positive(),
    })
    .partial()
    .optional(),
});
export type WorkerInit = z.infer<typeof workerInitSchema>;

/** Main thread → worker. */
export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number(), method: z.string(), args: z.unknown() }),
  z.object({ type: z.literal('vault-reply'), id: z.number(), envelope }),
  z.object({ type: z.literal('shutdown') }),
]);
export type ToWorker = z.infer<typeof toWorkerSchema>;

/** The vault lives on the main thread (Electron's safeStorage is not available in workers). */
export const vaultRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('get'), accountId: z.string() }),
  z.object({ op: z.literal('set'), accountId: z.string(), password: z.string() }),
  z.object({ op: z.literal('delete'), accountId: z.string() }),
]);
export type VaultRequest = z.infer<typeof vaultRequestSchema>;

/** Worker → main thread. */
export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('init-failed'), error: errorData }),
  z.object({ type: z.literal('result'), id: z.number(), envelope }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('vault-request'), id: z.number(), request: vaultRequestSchema }),
  z.object({ type: z.literal('closed') }),
]);
export type FromWorker = z.infer<typeof fromWorkerSchema>;

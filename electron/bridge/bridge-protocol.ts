import * as z from 'zod';

/** What a bridge client may send: one call at a time per id. Anything else closes the connection. */
export const bridgeRequestSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  args: z.unknown(),
});

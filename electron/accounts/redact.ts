import type { ErrorData } from '../../shared/errors';

/**
 * Removes a secret from everything in an error (message and detail, however deep). The protocol clients
 * never put a password in an error, but a server may echo what it was sent ("-ERR bad command PASS …"),
 * and an error is shown, logged and sent to the renderer: this is the last line of defence.
 * Very short secrets are left alone: scrubbing every "a" would make messages unreadable and hide nothing.
 */
export function redactSecret(error: ErrorData, secret: string | null | undefined): ErrorData {
  if (!secret || secret.length < 3) return error;
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return value.split(secret).join('[password]');
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item, depth + 1)]));
  };
  return {
    code: error.code,
    message: scrub(error.message, 0) as string,
    ...(error.detail ? { detail: scrub(error.detail, 0) as Record<string, unknown> } : {}),
  };
}

/** IPC channel names. Every channel Homing uses starts with `homing:` (kept apart so the preload bundles nothing else). */
export const CHANNEL_PREFIX = 'homing:';
/** Renderer → main: `{ method, args }`, answered with an Envelope. */
export const INVOKE_CHANNEL = `${CHANNEL_PREFIX}invoke`;
/** Main → renderer: `{ event, payload }`. */
export const EVENT_CHANNEL = `${CHANNEL_PREFIX}event`;

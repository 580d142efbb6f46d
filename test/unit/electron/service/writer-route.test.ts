import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope, ErrorData } from '../../../../shared/errors';
import { HomingError } from '../../../../shared/errors';
import { createWriterRoute, type HolderConnection, type WriterRoute } from '../../../../electron/service/writer-route';

/**
 * The route of a service that follows another process holding the data directory, with that process
 * played by the test: the lock refusal and the socket are what takeLocal and reachHolder give.
 */
describe('createWriterRoute', () => {
  let route: WriterRoute | null = null;
  afterEach(() => {
    route?.close();
    route = null;
  });

  // Was a bug: a holder whose socket record was not there when it was first looked for (a watch process
  // started with the app at login, its worker slow to start on a loaded machine: past connect.ts's wait
  // for a new writer's record) was taken for one that serves no socket for as long as it held the lock:
  // every command of the app's DATA_DIR_LOCKED, its events never followed.
  it('connects to a holder whose command socket came up after it was first looked for', async () => {
    const calls: string[] = [];
    const connection: HolderConnection = {
      pid: 4242,
      invoke: async (method): Promise<Envelope<unknown>> => {
        calls.push(method);
        return { ok: true, value: method === 'getSyncStatus' ? [] : 'done' };
      },
      subscribe: () => () => undefined,
      ended: new Promise<ErrorData>(() => undefined),
      close: () => undefined,
    };
    let serving = false;
    route = createWriterRoute({
      takeLocal: async () => {
        throw new HomingError('DATA_DIR_LOCKED', 'held', { pid: 4242 });
      },
      local: () => null,
      reachHolder: async () => (serving ? { connection } : { refusal: 'It serves no command socket.' }),
      onHolderEvent: () => undefined,
      onTakenOver: () => undefined,
    });
    expect(await route.settle()).toBe(false);
    await expect(route.call('markMessages', {})).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' });
    serving = true;
    const deadline = Date.now() + 15_000;
    while (!route.hearsHolder() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(route.hearsHolder()).toBe(true);
    expect(await route.call('markMessages', {})).toBe('done');
    expect(calls).toContain('markMessages');
  }, 20_000);
});

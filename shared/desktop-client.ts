import {
  type DesktopArgsInput,
  type DesktopMethodName,
  type DesktopResult,
  desktopMethodNames,
} from './contract/desktop';
import { type Envelope, HomingError } from './errors';

/** The desktop-only methods as the renderer calls them (see shared/contract/desktop.ts). */
export type DesktopClient = {
  [M in DesktopMethodName]: (args: DesktopArgsInput<M>) => Promise<DesktopResult<M>>;
};

/**
 * A client for the shell's own methods over the preload's `invoke` (`window.homing.invoke`). Only the
 * Electron app has these; in a plain browser there is no `window.homing`, so the renderer has no
 * DesktopClient and hides what needs one.
 */
export function createDesktopClient(invoke: (method: string, args: unknown) => Promise<Envelope<unknown>>): DesktopClient {
  return Object.fromEntries(
    desktopMethodNames.map((name) => [
      name,
      async (args: unknown) => {
        const envelope = await invoke(name, args ?? {});
        if (envelope.ok) return envelope.value;
        throw HomingError.fromData(envelope.error);
      },
    ]),
  ) as DesktopClient;
}

import { startSecretService } from '../servers/secret-service';

/**
 * Every test and every program a test starts (the CLI, dev:web, Electron's stand-in) talks to one private
 * Secret Service for the whole run, never the developer's own keychain: its bus address is put into the
 * environment before the workers start, as temp-root.ts does with TMPDIR. Tests about the keychain
 * itself (locking, migration, no keychain at all) start their own (test/servers/secret-service.ts).
 */
export default async function setup(): Promise<() => Promise<void>> {
  try {
    const service = await startSecretService();
    Object.assign(process.env, service.env);
    return () => service.stop();
  } catch (error) {
    if (process.env.CI) throw error;
    // Outside CI a machine without gnome-keyring still runs the rest; no test may reach a real keychain.
    console.error(`No private Secret Service for the tests (${String(error)}); keychain tests will fail.`);
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/homing-test-bus';
    return async () => undefined;
  }
}

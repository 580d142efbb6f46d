import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A private Secret Service: its own D-Bus session bus with gnome-keyring-daemon on it. The keyring binding
 * keeps its D-Bus connection for the life of a process, so one process talks to one bus: a test that
 * needs another (locked, none at all) runs the CLI or the app in a child process with `env`.
 */
export interface SecretService {
  /** `DBUS_SESSION_BUS_ADDRESS` of the private bus. */
  readonly address: string;
  /** The environment a client needs: the bus address, nothing of the developer's own session. */
  readonly env: NodeJS.ProcessEnv;
  /** The folder with the daemon's HOME and its keyring files (encrypted with the test password). */
  readonly dir: string;
  /** Locks the login keyring, as a screen lock or a timeout would. No prompt can answer here. */
  lock(): Promise<void>;
  /** The password stored for an account under service `Homing`, read by another program (`secret-tool`). */
  lookup(accountId: string, service?: string): Promise<string | null>;
  /** Deletes an entry behind Homing's back (`secret-tool clear`). */
  clear(accountId: string, service?: string): Promise<void>;
  /** Ends the bus; gnome-keyring-daemon leaves with it. */
  stop(): Promise<void>;
}

export interface SecretServiceOptions {
  /** The login keyring's password (it is created with it, and unlocked). */
  password?: string;
}

// `gnome-keyring-daemon --unlock` returns before the daemon is on the bus (the first check here often
// waits), so the address is told only once the Secret Service answers. First that it owns its name, asked
// of the bus itself: a call to the name before that would make D-Bus activate a second daemon from the
// system's service file. Then that the service answers a real call with its default collection (the login
// keyring): a client needs the service's objects and the unlocked keyring, and the name alone does not
// say the daemon has got that far.
const SCRIPT = `
set -e
printf '%s' "$HOMING_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
ready() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' &&
    dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null | grep -q '/collection/'
}
i=0
until ready; do
  i=$((i+1)); [ "$i" -lt 200 ] || { echo "gnome-keyring-daemon did not answer on the bus" >&2; exit 1; }
  sleep 0.05
done
echo "address=$DBUS_SESSION_BUS_ADDRESS"
exec cat
`;

/**
 * Starts `gnome-keyring-daemon` inside `dbus-run-session`, its login keyring created and unlocked with a
 * test password, everything under a fresh folder (HOME, XDG_DATA_HOME, XDG_RUNTIME_DIR). The session lives
 * as long as its stdin is open: `stop()` closes it, and so does the end of the test process.
 */
export async function startSecretService(options: SecretServiceOptions = {}): Promise<SecretService> {
  const dir = await mkdtemp(join(tmpdir(), 'homing-keyring-'));
  const runtime = join(dir, 'run');
  await mkdir(runtime, { mode: 0o700 });
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', SCRIPT], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      XDG_DATA_HOME: join(dir, 'share'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_CACHE_HOME: join(dir, 'cache'),
      XDG_RUNTIME_DIR: runtime,
      HOMING_TEST_KEYRING_PASSWORD: options.password ?? 'homing-test-keyring',
    },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the Secret Service did not start within 15 s: ${stderr}`)), 15_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`dbus-run-session could not be started (install dbus and gnome-keyring): ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Secret Service exited (${code}) before it was ready: ${stderr}`));
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /address=(\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  const env: NodeJS.ProcessEnv = { DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: runtime };
  const clientEnv = () => ({ ...process.env, ...env });
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    address,
    env,
    dir,
    async lock() {
      await run(
        'dbus-send',
        ['--session', '--dest=org.freedesktop.secrets', '--print-reply', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock',
          'array:objpath:/org/freedesktop/secrets/collection/login'],
        { env: clientEnv() },
      );
    },
    lookup: (accountId, service) => keychainLookup(accountId, service, clientEnv()),
    clear: (accountId, service) => keychainClear(accountId, service, clientEnv()),
    async stop() {
      child.stdin.end();
      await exited;
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/**
 * The password stored for an account under service `Homing`, read by another program (`secret-tool`) on
 * the bus in `env` (default: this process's, which the run's test-keychain.ts set up).
 */
export async function keychainLookup(accountId: string, service = 'Homing', env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  try {
    const { stdout } = await run('secret-tool', ['lookup', 'service', service, 'username', accountId], { env });
    return stdout;
  } catch {
    return null; // secret-tool exits 1 when nothing matches
  }
}

/** Deletes an entry behind Homing's back, as a user in Seahorse or `secret-tool clear` would. */
export async function keychainClear(accountId: string, service = 'Homing', env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await run('secret-tool', ['clear', 'service', service, 'username', accountId], { env });
}

/**
 * The environment of a session with no Secret Service at all (a headless server, an ssh login): no bus
 * address, and a runtime folder without a `bus` socket, so nothing of the developer's session is found.
 */
export async function noSecretServiceEnv(): Promise<NodeJS.ProcessEnv> {
  const runtime = await mkdtemp(join(tmpdir(), 'homing-no-bus-'));
  return { DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: runtime };
}

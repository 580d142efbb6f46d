import { createRequire } from 'node:module';
import type * as Keyring from '@napi-rs/keyring';
import type { AsyncEntry } from '@napi-rs/keyring';
import type { CredentialStoreInfo } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import type { CredentialVault } from './vault';

/**
 * The service name every Homing password is filed under in the OS keychain; the account is the Homing
 * account id (16 hex digits). Users see it in Keychain Access, Credential Manager or Seahorse. A public
 * name: changing it would orphan every stored password.
 */
export const KEYCHAIN_SERVICE = 'Homing';

/**
 * The binding, loaded on first use: loading it costs 17–30 ms here (it inspects the C library), which
 * commands that never touch a password (search, list) should not pay. `require`, not `import()`: the
 * bundles are CommonJS, and an ESM import would not find the package from a packaged app or NODE_PATH.
 */
let binding: typeof Keyring | null = null;
const keyring = () => (binding ??= createRequire(__filename)('@napi-rs/keyring') as typeof Keyring);

/** An account id no real account has, read to find out whether the keychain answers at all. */
const PROBE_ACCOUNT = 'homing-keychain-probe';

/** The keychain's name on each system, for the settings dialog and for error messages. */
export function keychainName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (GNOME Keyring, KWallet)';
}

/**
 * What to do when no keychain answers, in the CLI's words; the app shows the same choice in its
 * settings (renderer/components/PasswordSourceChoice.tsx).
 */
export const NO_KEYCHAIN_ADVICE =
  'Start a Secret Service (GNOME Keyring or KWallet) in this session, or choose another place for the password: ' +
  "--password-command 'pass show mail/me' (a program that prints it), or --insecure-store-in-file (a plain file only you can read).";

/**
 * Passwords in the operating system's keychain through @napi-rs/keyring: macOS Keychain, Windows
 * Credential Manager, Secret Service on Linux. The app and the CLI both use it, so an account added in one
 * syncs in the other.
 *
 * On Linux the store is pinned to the Secret Service. The binding would otherwise fall back to the kernel
 * keyring, which forgets everything at logout: a password that silently vanishes is worse than a clear
 * "no keychain here" with a choice. Reads, writes and deletes run on libuv's thread pool (AsyncEntry), so
 * a keychain prompt never blocks the thread that asked; constructing an entry opens the D-Bus connection
 * synchronously (a few milliseconds here). The binding loads in worker threads too, but one vault per
 * process lives on the main thread (the app's keychain prompts belong to the app, and the sync worker
 * asks through sync/worker-vault.ts).
 */
export class KeychainVault implements CredentialVault {
  readonly description: string;
  readonly weakness = null;

  constructor(
    private readonly service: string = KEYCHAIN_SERVICE,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.description = keychainName(platform);
  }

  async getPassword(accountId: string): Promise<string | null> {
    return this.run(accountId, 'read', (entry) => entry.getPassword());
  }

  async setPassword(accountId: string, password: string): Promise<void> {
    await this.run(accountId, 'save', (entry) => entry.setPassword(password));
  }

  async deletePassword(accountId: string): Promise<void> {
    await this.run(accountId, 'delete', (entry) => entry.deletePassword());
  }

  /** Reads an entry no account has: that answers whether the keychain is there and unlocked. */
  async inspect(): Promise<CredentialStoreInfo> {
    try {
      await this.getPassword(PROBE_ACCOUNT);
      return { description: this.description, weakness: null, keychain: 'available' };
    } catch (error) {
      const code = error instanceof HomingError ? error.code : 'VAULT_UNAVAILABLE';
      // The reason alone: the settings dialog words the choice itself, where the message gives the CLI's flags.
      const reason = error instanceof HomingError ? error.detail?.reason : undefined;
      return {
        description: this.description,
        weakness: typeof reason === 'string' ? reason : error instanceof Error ? error.message : String(error),
        keychain: code === 'VAULT_LOCKED' ? 'locked' : 'unavailable',
      };
    }
  }

  private async run<T>(accountId: string, what: 'read' | 'save' | 'delete', act: (entry: AsyncEntry) => Promise<T>): Promise<T> {
    try {
      // Constructing the entry connects to the keychain: on Linux without a D-Bus session it throws here.
      const entry: AsyncEntry = new (keyring().AsyncEntry)(this.service, accountId, { linux: { store: 'secret-service' } });
      return await act(entry);
    } catch (error) {
      throw keychainError(error, what, accountId, this.platform);
    }
  }
}

/**
 * The binding reports every failure as `GenericFailure` with keyring-rs's message, so its text is all
 * there is to tell a locked keychain from a missing one. This is the only place that reads it; past here
 * the errors carry our codes. The messages never contain the password.
 */
export function keychainError(error: unknown, what: 'read' | 'save' | 'delete', accountId: string, platform: NodeJS.Platform = process.platform): HomingError {
  const text = error instanceof Error ? error.message : String(error);
  const name = keychainName(platform);
  if (/prompt was dismissed|is locked|interaction is not allowed|user canceled/i.test(text)) {
    return new HomingError(
      'VAULT_LOCKED',
      `The ${name} is locked, so the password could not be ${verb(what)}. Unlock it (log in to the desktop, or open the keyring in your password manager) and try again.`,
      { accountId, keychain: text },
    );
  }
  // A Secret Service with no default keyring (never logged in to a desktop) cannot create one without a prompt.
  const noKeyring = /no result found/i.test(text);
  // keyring-rs wraps every OS error as "Platform failure: …". On Linux that is the D-Bus session or the
  // Secret Service missing; on macOS and Windows the keychain is always there and answered with an error.
  const missing = platform === 'linux' ? /Platform failure|Couldn.t access platform|D-?Bus|ServiceUnknown|org\.freedesktop\.secrets/i.test(text) : /Couldn.t access platform/i.test(text);
  const reason = noKeyring
    ? 'the Secret Service has no default keyring to keep it in; create one in your password manager (Seahorse)'
    : missing
      ? platform === 'linux'
        ? 'no Secret Service on this session’s D-Bus'
        : `the ${name} does not answer`
      : `the ${name} refused (${text})`;
  const why = missing && !noKeyring ? `no keychain answers here${platform === 'linux' ? ` (${reason})` : ''}` : reason;
  return new HomingError('VAULT_UNAVAILABLE', `The password could not be ${verb(what)}: ${why}. ${NO_KEYCHAIN_ADVICE}`, { accountId, keychain: text, reason });
}

function verb(what: 'read' | 'save' | 'delete'): string {
  return what === 'read' ? 'read' : what === 'save' ? 'saved' : 'deleted';
}

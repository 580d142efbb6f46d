import type { Account, PasswordSource } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import { runPasswordCommand } from './password-command';
import { FileVault } from './vault-file';
import type { CredentialVault } from './vault';

/**
 * Where each account's password is, by the account's `settings.passwordSource`: the OS keychain (the
 * vault the process was given), a password command, or the plain file the user chose. Everything that
 * needs a password (a sync, a connection test) or changes one (adding, editing, removing an account) goes
 * through here, so no caller can fall back from the keychain to plain text by accident.
 */
export class AccountPasswords {
  private readonly file: CredentialVault;
  /** Accounts whose row and passwords are being changed (whileChanging): their passwords' reads wait. */
  private readonly changing = new Map<string, Promise<void>>();

  constructor(
    private readonly keychain: CredentialVault,
    dataDir: string,
    private readonly runCommand: (command: string) => Promise<string> = runPasswordCommand,
  ) {
    this.file = new FileVault(dataDir);
  }

  /** The account's password; CREDENTIALS_MISSING (with the way to set it again) when none is stored. */
  async read(account: Pick<Account, 'id' | 'email' | 'settings'>): Promise<string> {
    // An edit in progress: the row may already name the new server while the old password is still stored.
    await this.changing.get(account.id.replace(/:smtp$/, ''));
    const source = account.settings.passwordSource;
    if (source.kind === 'command') return this.runCommand(source.command);
    const password = await this.vault(source).getPassword(account.id);
    if (password) return password;
    const where = source.kind === 'file' ? 'the password file' : 'the keychain';
    throw new HomingError(
      'CREDENTIALS_MISSING',
      `No password for ${account.email} is stored in ${where} (it may have been deleted there). ` +
        `Set it again: homing account edit ${account.id} --password-env VAR, or enter it in the app’s account settings.`,
      { accountId: account.id, fix: 'set-password' },
    );
  }

  /**
   * Runs an edit of the account's settings and passwords: a password read meanwhile (a sync or a send
   * reconnecting) waits until both are written, so it never pairs the new server with the old password.
   * One made with the old settings then sees the row changed (sameCredentialTargets) and sends nothing.
   */
  async whileChanging<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    let done!: () => void;
    const gate = new Promise<void>((resolve) => (done = resolve));
    const before = this.changing.get(accountId);
    const chained = before ? before.then(() => gate) : gate;
    this.changing.set(accountId, chained);
    try {
      return await work();
    } finally {
      done();
      if (this.changing.get(accountId) === chained) this.changing.delete(accountId);
    }
  }

  /** Stores a new account's password where its source says (nothing for a command). */
  async store(accountId: string, source: PasswordSource, password: string | undefined): Promise<void> {
    if (source.kind === 'command') return;
    if (!password) throw new HomingError('INVALID_ARGUMENT', 'A password is needed (or a password command).');
    await this.vault(source).setPassword(accountId, password);
  }

  /**
   * Applies a change of password and/or of where it is kept, before the account row changes (so a store
   * that refuses leaves everything as it was). Moving between the keychain and the file carries the stored
   * password over; the old place's copy is then deleted.
   */
  async change(accountId: string, from: PasswordSource, to: PasswordSource, password?: string): Promise<void> {
    if (to.kind === 'command') {
      if (password !== undefined) throw new HomingError('INVALID_ARGUMENT', 'An account with a password command has no stored password to set.');
      if (from.kind !== 'command') await this.forgetIn(accountId, from);
      return;
    }
    let next = password;
    if (next === undefined && from.kind !== to.kind) {
      if (from.kind === 'command') {
        throw new HomingError('INVALID_ARGUMENT', 'Give the password to store (the account had a password command, so none is stored yet).');
      }
      next = (await this.vault(from).getPassword(accountId)) ?? undefined;
      if (next === undefined) throw new HomingError('CREDENTIALS_MISSING', 'No password is stored to move; give the password to store.', { accountId });
    }
    if (next !== undefined) await this.vault(to).setPassword(accountId, next);
    if (from.kind !== to.kind && from.kind !== 'command') await this.forgetIn(accountId, from);
  }

  /**
   * What the entries `ids` hold now in the places `sources` keep passwords, and a function that puts them
   * back: an edit writes up to two entries (the account's and its outgoing server's own), and a vault that
   * takes the first and refuses the second would otherwise leave the new password beside the old row.
   * An entry that cannot be read is left alone by the restore (nothing can have been written there either).
   */
  async remember(ids: string[], sources: PasswordSource[]): Promise<() => Promise<void>> {
    const vaults = new Set<CredentialVault>();
    for (const source of sources) if (source.kind !== 'command') vaults.add(this.vault(source));
    const saved: Array<{ vault: CredentialVault; id: string; password: string | null }> = [];
    for (const vault of vaults) {
      for (const id of ids) {
        try {
          saved.push({ vault, id, password: await vault.getPassword(id) });
        } catch {
          // Unreadable (no keychain, locked): a write there fails too.
        }
      }
    }
    return async () => {
      for (const { vault, id, password } of saved) {
        const now = await vault.getPassword(id).catch(() => undefined);
        if (now === password || now === undefined) continue;
        if (password === null) await vault.deletePassword(id);
        else await vault.setPassword(id, password);
      }
    };
  }

  /** Deletes an account's stored password wherever its source keeps it (removing the account). */
  async forget(accountId: string, source: PasswordSource): Promise<void> {
    if (source.kind !== 'command') await this.forgetIn(accountId, source);
  }

  private async forgetIn(accountId: string, source: Exclude<PasswordSource, { kind: 'command' }>): Promise<void> {
    try {
      await this.vault(source).deletePassword(accountId);
    } catch (error) {
      // No keychain at all: nothing of ours is reachable to delete, and refusing would leave the account
      // impossible to remove or move on a machine that has lost its keychain. A locked one is different:
      // unlocking and trying again deletes it. The plain file must always be cleaned.
      if (source.kind === 'keychain' && error instanceof HomingError && error.code === 'VAULT_UNAVAILABLE') return;
      throw error;
    }
  }

  private vault(source: Exclude<PasswordSource, { kind: 'command' }>): CredentialVault {
    return source.kind === 'file' ? this.file : this.keychain;
  }
}

const perVault = new WeakMap<CredentialVault, AccountPasswords>();

/**
 * One AccountPasswords per vault (and so per data directory): the file's read-modify-write cycles are
 * queued inside one instance, and the worker's handlers all share it.
 */
export function accountPasswords(ctx: { readonly vault: CredentialVault; readonly dataDir: string }): AccountPasswords {
  let passwords = perVault.get(ctx.vault);
  if (!passwords) {
    passwords = new AccountPasswords(ctx.vault, ctx.dataDir);
    perVault.set(ctx.vault, passwords);
  }
  return passwords;
}

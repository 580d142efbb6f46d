import { normalHost, sameHost } from '../../../shared/host-names';
import { type Account, defaultAccountSettings, LOCAL_ACCOUNT_ID, type OutgoingServer, type OutgoingServerPatch } from '../../../shared/contract/accounts';
import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
import { accountPasswords } from '../../accounts/account-passwords';
import { splitCommandLine } from '../../accounts/command-line';
import { outgoingPasswordSource, outgoingVaultKey } from '../../accounts/outgoing-password';
import { incomingTarget, outgoingTarget, requireStoredPasswordScope, savedTargets } from '../../accounts/stored-password-scope';
import { type AccountUpdate, deleteAccount, getAccount, insertAccount, listAccounts, updateAccount } from '../../store/accounts';
import { saveIdentity } from '../../store/identities';
import { retryAccountNow } from '../../store/outbox';
import { writeTransaction } from '../../store/write-transaction';
import { rememberApopRefused } from '../pop3/pop3-session';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';

type AccountCommands = 'addAccount' | 'updateAccount' | 'removeAccount';

/**
 * Account CRUD in the single writer. The password goes to the vault (never the database); the rows go
 * through one transaction each, so every change emits one accountsChanged event.
 */
/**
 * `connectionEdited`: the account's server settings or password changed, and its outbox waiting out a
 * failed try became due now (retryAccountNow); the outbox runner looks again (while the app watches it
 * sends them; the CLI's flush does otherwise), also after a try still under way with the old settings.
 */
export function createAccountWrites(ctx: WriterContext, runtime: SyncRuntime, connectionEdited: (accountId: string) => void = () => undefined): MethodHandlers<AccountCommands> {
  const passwords = accountPasswords(ctx);
  return {
    async addAccount(args) {
      const source = args.settings?.passwordSource ?? defaultAccountSettings.passwordSource;
      // A command that cannot even be split is refused before anything is stored.
      if (source.kind === 'command') splitCommandLine(source.command);
      const twin = listAccounts(ctx.db).find((a) => mailboxKey(a) === mailboxKey(args));
      if (twin) {
        throw new HomingError('INVALID_ARGUMENT', `This mailbox is already set up as “${twin.name}”.`, { accountId: twin.id });
      }
      const smtp: OutgoingServer | null = args.smtp
        ? {
            host: args.smtp.host.toLowerCase(),
            port: args.smtp.port,
            security: args.smtp.security,
            username: args.smtp.username === undefined ? args.username : args.smtp.username,
            passwordSource: args.smtp.password !== undefined ? 'own' : 'incoming',
            // A hosting server serves IMAP/POP3 and SMTP under one name with one certificate: the one the
            // user trusted for the incoming server is trusted for an outgoing server on the same host (that
            // exact certificate only), unless the outgoing pin is given (null: none). Otherwise the first
            // message sent waits in the outbox on the very certificate trusted at setup.
            trustedFingerprint:
              args.smtp.trustedFingerprint !== undefined ? args.smtp.trustedFingerprint : sameHost(args.smtp.host, args.host) ? (args.trustedFingerprint ?? null) : null,
          }
        : null;
      const account = writeTransaction(ctx.db, (changes) => {
        const added = insertAccount(ctx.db, changes, {
          name: args.name ?? args.email,
          email: args.email,
          protocol: args.protocol,
          host: args.host.toLowerCase(),
          port: args.port,
          security: args.security,
          username: args.username,
          trustedFingerprint: args.trustedFingerprint ?? null,
          settings: { ...defaultAccountSettings, ...args.settings },
          smtp,
        });
        // The identity every account implies: its own address, under the name the user gave it.
        saveIdentity(ctx.db, changes, added.id, null, {
          name: args.name ?? '',
          address: args.email,
          replyTo: null,
          signatureText: '',
          signatureHtml: '',
          isDefault: true,
        });
        return added;
      });
      try {
        await passwords.store(account.id, source, args.password);
        if (args.smtp?.password !== undefined) {
          await passwords.store(outgoingVaultKey(account.id), outgoingPasswordSource(source), args.smtp.password);
        }
      } catch (error) {
        // An account whose password could not be stored would fail every sync: take it back out.
        writeTransaction(ctx.db, (changes) => deleteAccount(ctx.db, changes, account.id));
        await passwords.forget(account.id, source).catch(() => undefined);
        throw error;
      }
      // Its connection test met a greeting offering APOP that the server then refused for this user, while
      // the same password went in another way: the first sync does not try APOP again (a failed login more).
      if (args.apopRefused && account.protocol === 'pop3') rememberApopRefused(ctx.db, account);
      runtime.accountAdded(account.id);
      return account;
    },

    updateAccount({ id, patch }) {
      // Reads of the account's passwords wait until its row and passwords are both written.
      return passwords.whileChanging(id, async () => {
        const current = getAccount(ctx.db, id);
        if (current.id === LOCAL_ACCOUNT_ID) throw new HomingError('INVALID_ARGUMENT', 'Local Folders has no server settings.');
        const { password, settings, smtp, ...fields } = patch;
        const outgoing = smtp === undefined ? undefined : mergeOutgoing(current, smtp);
        // A pin trusts one server's certificate. Moving to another host ("use that hostname instead") means
        // normal verification again, unless the same change pins a certificate for the new host.
        const hostChanged = fields.host !== undefined && !sameHost(fields.host, current.host);
        const pin = fields.trustedFingerprint !== undefined ? fields.trustedFingerprint : hostChanged ? null : undefined;
        // A stored password goes only to the server it was saved for: settings that would send it elsewhere
        // (another host, port or user, weaker security, another certificate) come with it typed again (a
        // password command given again is the user's word too). Checked before anything changes.
        const incomingGiven = password !== undefined || settings?.passwordSource?.kind === 'command';
        if (!incomingGiven) {
          const next = incomingTarget({
            host: fields.host ?? current.host,
            port: fields.port ?? current.port,
            security: fields.security ?? current.security,
            username: fields.username ?? current.username,
            trustedFingerprint: pin !== undefined ? pin : current.trustedFingerprint,
          });
          requireStoredPasswordScope(savedTargets(current, 'incoming').slice(0, 1), next, current);
        }
        // An outgoing server that logs in with the incoming password takes it typed again the same way: the
        // password, or the password command given again (an account without a keychain has no other way).
        if (outgoing && outgoing.username !== null && typeof smtp?.password !== 'string' && !(outgoing.passwordSource === 'incoming' && incomingGiven)) {
          requireStoredPasswordScope(savedTargets(current, outgoing.passwordSource), outgoingTarget(outgoing), current);
        }
        const nextSource = settings?.passwordSource ?? current.settings.passwordSource;
        if (nextSource.kind === 'command') splitCommandLine(nextSource.command);
        const update: AccountUpdate = {};
        if (fields.name !== undefined) update.name = fields.name;
        if (fields.email !== undefined) update.email = fields.email;
        if (fields.host !== undefined) update.host = fields.host.toLowerCase();
        if (fields.port !== undefined) update.port = fields.port;
        if (fields.security !== undefined) update.security = fields.security;
        if (fields.username !== undefined) update.username = fields.username;
        if (pin !== undefined) update.trustedFingerprint = pin;
        if (settings) update.settings = { ...current.settings, ...settings };
        if (outgoing !== undefined) update.smtp = outgoing;
        // New server settings or a password: a message that waited out a failed try (a changed certificate
        // or a refused password waits 15 minutes) goes now, as the account's watch loop starts over now.
        const connectionChanged = password !== undefined || Object.keys(update).some((field) => !['name', 'email'].includes(field));
        // The row first, then the passwords, while reads of them wait (whileChanging). A connection made
        // with the old settings then reads the new password only after the row changed, sees that
        // (sameCredentialTargets) and sends nothing; with the password stored first, one reconnecting in
        // between sent the new password to the old server.
        const updated = writeTransaction(ctx.db, (changes) => {
          const row = updateAccount(ctx.db, changes, id, update);
          if (connectionChanged) retryAccountNow(ctx.db, changes, id);
          return row;
        });
        // What the vault holds now: a vault that takes one of the entries below and refuses the next gets
        // the first put back, so a refused edit changes neither the row nor any password.
        const ownSource = outgoingPasswordSource(nextSource);
        const ownBefore = outgoingPasswordSource(current.settings.passwordSource);
        const touchesPasswords = password !== undefined || settings?.passwordSource !== undefined || smtp !== undefined;
        const restorePasswords = touchesPasswords ? await passwords.remember([id, outgoingVaultKey(id)], [current.settings.passwordSource, nextSource]) : async () => undefined;
        try {
          if (password !== undefined || settings?.passwordSource !== undefined) {
            await passwords.change(id, current.settings.passwordSource, nextSource, password);
          }
          if (smtp?.password) {
            await passwords.store(outgoingVaultKey(id), ownSource, smtp.password);
            if (ownBefore.kind !== ownSource.kind) await passwords.forget(outgoingVaultKey(id), ownBefore);
          } else if (current.smtp?.passwordSource === 'own' && smtp !== null && smtp?.password !== null && ownBefore.kind !== ownSource.kind) {
            // The account's passwords move (keychain <-> file): the outgoing server's own one moves with them.
            await passwords.change(outgoingVaultKey(id), ownBefore, ownSource);
          }
          if (smtp === null || smtp?.password === null) await passwords.forget(outgoingVaultKey(id), ownBefore);
        } catch (error) {
          // The vault refused: the row and the passwords go back to what they were, so nothing has changed.
          const before: AccountUpdate = {};
          for (const field of Object.keys(update) as (keyof AccountUpdate)[]) Object.assign(before, { [field]: current[field] });
          writeTransaction(ctx.db, (changes) => updateAccount(ctx.db, changes, id, before));
          const restored = await restorePasswords().then(
            () => true,
            () => false,
          );
          if (restored) throw error;
          // Neither the change nor the way back could be written: say so, rather than leave the user to find
          // a password that no longer matches the settings shown.
          const data = error instanceof HomingError ? error : null;
          throw new HomingError(
            data?.code ?? 'VAULT_UNAVAILABLE',
            `${error instanceof Error ? error.message : String(error)} The settings were not changed, but the passwords stored before this edit could not all be put back: enter the account’s password again (homing account edit ${id} --password-env VAR, or in the account settings).`,
            { ...data?.detail, accountId: id, fix: 'set-password' },
          );
        }
        if (connectionChanged) connectionEdited(id);
        // Its watch loop (only its) starts over with what it needs to connect; a new name, address or
        // outgoing server changes nothing there.
        if (password !== undefined || Object.keys(update).some((field) => !['name', 'email', 'smtp'].includes(field))) {
          runtime.accountChanged(id);
        }
        return updated;
      });
    },

    /** The account, its folders, messages and queued operations (foreign keys cascade), and its password. */
    async removeAccount({ id }) {
      const account = getAccount(ctx.db, id);
      if (account.id === LOCAL_ACCOUNT_ID) throw new HomingError('INVALID_ARGUMENT', 'Local Folders cannot be removed.');
      // The password first: if the vault cannot be written, nothing is removed and the user can retry,
      // rather than leaving a password behind for an account that no longer exists.
      await passwords.forget(id, account.settings.passwordSource);
      await passwords.forget(outgoingVaultKey(id), outgoingPasswordSource(account.settings.passwordSource));
      // A sync still running for the account would write rows for it after they are gone.
      await runtime.stopAccount(id);
      writeTransaction(ctx.db, (changes) => deleteAccount(ctx.db, changes, id));
    },
  };
}

/**
 * The outgoing server after a patch: fields left out stay, a new host drops the certificate pin (as for
 * the incoming server), `password` says whose password logs in. An account without one needs the
 * host, port and security.
 */
function mergeOutgoing(current: Account, patch: OutgoingServerPatch | null): OutgoingServer | null {
  if (patch === null) return null;
  const base = current.smtp;
  const host = patch.host?.toLowerCase() ?? base?.host;
  const port = patch.port ?? base?.port;
  const security = patch.security ?? base?.security;
  if (host === undefined || port === undefined || security === undefined) {
    throw new HomingError('INVALID_ARGUMENT', 'An outgoing server needs its host, port and security.');
  }
  const hostChanged = base !== null && !sameHost(host, base.host);
  // A new outgoing server (or one moved) on the incoming server's host trusts the certificate the user
  // trusted for that host, as addAccount does: a hosting server shows one certificate for IMAP, POP3 and
  // SMTP, and without it the first message sent waits on the very certificate already trusted.
  const incomingPin = sameHost(host, current.host) ? current.trustedFingerprint : null;
  return {
    host,
    port,
    security,
    username: patch.username !== undefined ? patch.username : (base?.username ?? current.username),
    passwordSource: patch.password === null ? 'incoming' : patch.password !== undefined ? 'own' : (base?.passwordSource ?? 'incoming'),
    trustedFingerprint:
      patch.trustedFingerprint !== undefined ? patch.trustedFingerprint : base === null || hostChanged ? incomingPin : base.trustedFingerprint,
  };
}

/** One mailbox on one server: the same protocol, host, port and user name is the same account twice. */
function mailboxKey(a: { protocol: string; host: string | null; port: number | null; username: string | null }): string {
  return JSON.stringify([a.protocol, normalHost(a.host), a.port, a.username]);
}

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewAccount } from '../../../../../shared/contract/accounts';
import { MemoryVault, type CredentialVault } from '../../../../../electron/accounts/vault';
import type { WriteDb } from '../../../../../electron/store/db';
import { closeDb, openWriteDb } from '../../../../../electron/store/open';
import { createAccountWrites } from '../../../../../electron/sync/writes/account-writes';
import { SyncRuntime } from '../../../../../electron/sync/sync-runtime';
import type { WriterContext } from '../../../../../electron/sync/writer-context';
import { onCommit } from '../../../../../electron/store/write-transaction';
import { listAccounts } from '../../../../../electron/store/accounts';
import { upsertFolder } from '../../../../../electron/store/folders';
import { commitMessage } from '../../../../../electron/store/ingest';
import { parseMessage } from '../../../../../electron/mime/parse-message';
import { writeTransaction } from '../../../../../electron/store/write-transaction';

const open: WriteDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) closeDb(db);
});

function setup(vault: CredentialVault = new MemoryVault()) {
  const dir = mkdtempSync(join(tmpdir(), 'homing-account-writes-'));
  const db = openWriteDb(join(dir, 'homing.sqlite'));
  open.push(db);
  const ctx: WriterContext = { db, dataDir: dir, vault, emit: () => undefined, shutdown: new AbortController().signal };
  const commits: string[][] = [];
  onCommit(db, (changes) => commits.push([...changes.accountsChanged]));
  const runtime = new SyncRuntime(ctx);
  return { db, dir, vault, runtime, writes: createAccountWrites(ctx, runtime), commits };
}

const alice: NewAccount = {
  email: 'alice@example.org',
  protocol: 'imap',
  host: 'Mail.Example.org',
  port: 993,
  security: 'tls',
  username: 'alice@example.org',
  password: 'alice-password',
};

describe('account writes', () => {
  it('adds an account from a candidate plus password: the row without the password, the password in the vault', async () => {
    const { db, vault, writes, commits } = setup();
    const account = await writes.addAccount({ ...alice, settings: { checkIntervalMinutes: 5 } });
    expect(account).toMatchObject({ name: 'alice@example.org', host: 'mail.example.org', trustedFingerprint: null, settings: { checkIntervalMinutes: 5, notify: true } });
    expect(await vault.getPassword(account.id)).toBe('alice-password');
    expect(JSON.stringify(db.sqlite.prepare('SELECT * FROM accounts').all())).not.toContain('alice-password');
    expect(commits).toEqual([[account.id]]);
  });

  it('keeps each password where the account’s source says, and moves it when the source changes', async () => {
    const { dir, vault, writes } = setup();
    const file = join(dir, 'insecure-passwords.json');
    const readFile = () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {});
    // The plain file only when asked for.
    const filed = await writes.addAccount({ ...alice, settings: { passwordSource: { kind: 'file' } } });
    expect(readFile()).toEqual({ [filed.id]: 'alice-password' });
    expect(await vault.getPassword(filed.id)).toBeNull();
    // To the keychain: carried over, and gone from the file (the file with it).
    await writes.updateAccount({ id: filed.id, patch: { settings: { passwordSource: { kind: 'keychain' } } } });
    expect(await vault.getPassword(filed.id)).toBe('alice-password');
    expect(existsSync(file)).toBe(false);
    // To a command: nothing stored anywhere.
    await writes.updateAccount({ id: filed.id, patch: { settings: { passwordSource: { kind: 'command', command: 'pass show mail/alice' } } } });
    expect(await vault.getPassword(filed.id)).toBeNull();
    // Back from a command needs the password itself.
    await expect(writes.updateAccount({ id: filed.id, patch: { settings: { passwordSource: { kind: 'file' } } } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await writes.updateAccount({ id: filed.id, patch: { password: 'new-password', settings: { passwordSource: { kind: 'file' } } } });
    expect(readFile()).toEqual({ [filed.id]: 'new-password' });
    await writes.removeAccount({ id: filed.id, confirm: true });
    expect(existsSync(file)).toBe(false);
  });

  it('adds an account with a password command and no password; refuses a command it cannot run without a shell', async () => {
    const { vault, writes } = setup();
    const { password: _unused, ...noPassword } = alice;
    const account = await writes.addAccount({ ...noPassword, settings: { passwordSource: { kind: 'command', command: "pass show 'mail/alice'" } } });
    expect(account.settings.passwordSource).toEqual({ kind: 'command', command: "pass show 'mail/alice'" });
    expect(await vault.getPassword(account.id)).toBeNull();
    await expect(
      writes.addAccount({ ...noPassword, username: 'bob', settings: { passwordSource: { kind: 'command', command: 'pass show x | head -1' } } }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses the same mailbox twice', async () => {
    const { writes } = setup();
    const first = await writes.addAccount(alice);
    await expect(writes.addAccount({ ...alice, host: 'mail.example.org.' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', detail: { accountId: first.id } });
  });

  it('takes the account back out when the vault cannot keep the password', async () => {
    const broken: CredentialVault = {
      ...new MemoryVault(),
      description: 'broken',
      weakness: null,
      getPassword: async () => null,
      deletePassword: async () => undefined,
      setPassword: async () => {
        throw Object.assign(new Error('keyring locked'), { code: 'VAULT_UNAVAILABLE' });
      },
    };
    const { db, writes } = setup(broken);
    await expect(writes.addAccount(alice)).rejects.toThrow();
    expect(listAccounts(db)).toEqual([]);
  });

  it('edits server, security, POP3 policy, interval, scope and name; a new host clears the pinned certificate', async () => {
    const { writes, vault } = setup();
    const pin = 'ab'.repeat(32);
    const account = await writes.addAccount({ ...alice, trustedFingerprint: pin });
    // Settings that would send the stored password elsewhere come with it typed again (stored-password-scope.ts).
    await expect(writes.updateAccount({ id: account.id, patch: { port: 143, security: 'starttls', name: 'Work' } })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' });
    const samePort = await writes.updateAccount({ id: account.id, patch: { port: 143, security: 'starttls', name: 'Work', password: 'secret' } });
    expect(samePort).toMatchObject({ port: 143, security: 'starttls', name: 'Work', trustedFingerprint: pin });
    const moved = await writes.updateAccount({
      id: account.id,
      patch: { host: 'server42.hostingco.net', password: 'secret', settings: { pop3Delete: { kind: 'after-days', days: 7 }, offlineScope: { kind: 'recent', days: 90 } } },
    });
    expect(moved).toMatchObject({ host: 'server42.hostingco.net', trustedFingerprint: null, settings: { pop3Delete: { kind: 'after-days', days: 7 }, offlineScope: { kind: 'recent', days: 90 }, checkIntervalMinutes: 10 } });
    const pinnedAgain = await writes.updateAccount({ id: account.id, patch: { host: 'other.example.org', trustedFingerprint: pin, password: 'secret' } });
    expect(pinnedAgain.trustedFingerprint).toBe(pin);
    await writes.updateAccount({ id: account.id, patch: { password: 'new-password' } });
    expect(await vault.getPassword(account.id)).toBe('new-password');
  });

  it('removes an account with its local mail and its password; Local Folders and unknown ids are refused', async () => {
    const { db, writes, vault } = setup();
    const account = await writes.addAccount(alice);
    const raw = Buffer.from('From: bob@example.org\r\nSubject: hi\r\nMessage-ID: <1@x>\r\n\r\nhello\r\n');
    const source = { kind: 'buffer' as const, bytes: raw };
    const parsed = await parseMessage(source);
    writeTransaction(db, (changes) => {
      const folder = upsertFolder(db, changes, account.id, { path: 'INBOX', name: 'INBOX', parentPath: null, delimiter: '/', specialUse: null, subscribed: true });
      commitMessage(db, changes, { accountId: account.id, folderId: folder.id, key: { kind: 'imap', uidvalidity: 1, uid: 1 }, source, parsed });
    });
    const count = (table: string) => (db.sqlite.prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ?`).get(account.id) as { n: number }).n;
    expect(count('messages')).toBe(1);
    await writes.removeAccount({ id: account.id, confirm: true });
    expect(listAccounts(db)).toEqual([]);
    expect(count('messages')).toBe(0);
    expect(count('folders')).toBe(0);
    expect(await vault.getPassword(account.id)).toBeNull();
    await expect(writes.removeAccount({ id: account.id, confirm: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(writes.removeAccount({ id: 'local', confirm: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(writes.updateAccount({ id: 'local', patch: { name: 'x' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('moving an account to another server with a new password', () => {
  /** A vault that records what the account's row says at each password write, and can hold that write. */
  function recordingVault() {
    const memory = new MemoryVault();
    const writes: string[] = [];
    let hold: Promise<void> | null = null;
    let refuse = false;
    let db: WriteDb | null = null;
    const vault: CredentialVault = {
      description: 'recording',
      weakness: null,
      getPassword: (id) => memory.getPassword(id),
      deletePassword: (id) => memory.deletePassword(id),
      setPassword: async (id, password) => {
        const row = db ? listAccounts(db).find((a) => a.id === id) : undefined;
        if (row) writes.push(`${password} stored while the row says ${row.host}`);
        if (hold) await hold;
        if (refuse) throw Object.assign(new Error('keyring locked'), { code: 'VAULT_UNAVAILABLE' });
        await memory.setPassword(id, password);
      },
    };
    return {
      vault,
      writes,
      attach: (store: WriteDb) => (db = store),
      hold: () => {
        let release!: () => void;
        hold = new Promise((resolve) => (release = resolve));
        return release;
      },
      refuse: () => (refuse = true),
    };
  }

  it('writes the new host before the new password, and no connection pairs the new password with the old host', async () => {
    const recording = recordingVault();
    const { db, writes, runtime } = setup(recording.vault);
    const account = await writes.addAccount(alice);
    recording.attach(db);
    // A connection set up with the old settings (a watch loop that reconnects later).
    const stale = runtime.engineContext(account, new AbortController().signal);
    expect(await stale.password()).toBe('alice-password');
    const release = recording.hold();
    const editing = writes.updateAccount({ id: account.id, patch: { host: 'server42.hostingco.net', password: 'new-password' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The row first (with the password first, the old host was still in the row: fails without).
    expect(recording.writes).toEqual(['new-password stored while the row says server42.hostingco.net']);
    // Reconnecting in the gap: the old settings get nothing; the new ones wait for the new password.
    const staleRead = stale.password();
    const fresh = runtime.engineContext(listAccounts(db).find((a) => a.id === account.id)!, new AbortController().signal).password();
    release();
    await editing;
    await expect(staleRead).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(fresh).resolves.toBe('new-password');
  });

  it('puts the row back when the vault refuses the new password', async () => {
    const recording = recordingVault();
    const { db, writes } = setup(recording.vault);
    const account = await writes.addAccount(alice);
    recording.attach(db);
    recording.refuse();
    await expect(writes.updateAccount({ id: account.id, patch: { host: 'server42.hostingco.net', port: 143, security: 'starttls', password: 'new-password' } })).rejects.toThrow(
      'keyring locked',
    );
    expect(listAccounts(db).find((a) => a.id === account.id)).toMatchObject({ host: 'mail.example.org', port: 993, security: 'tls' });
    expect(await recording.vault.getPassword(account.id)).toBe('alice-password');
  });

  it('puts the incoming password back when the vault takes it and then refuses the outgoing server’s own', async () => {
    // A keychain that takes the account's entry and refuses the second one (a prompt dismissed, a full or
    // locked collection between the two writes).
    class HalfVault extends MemoryVault {
      refuseSmtp = false;
      override async setPassword(id: string, password: string): Promise<void> {
        if (this.refuseSmtp && id.endsWith(':smtp')) throw new Error('keyring refused the second entry');
        return super.setPassword(id, password);
      }
    }
    const vault = new HalfVault();
    const { db, writes } = setup(vault);
    const account = await writes.addAccount({ ...alice, smtp: { host: 'smtp.example.org', port: 465, security: 'tls', password: 'smtp-password' } });
    vault.refuseSmtp = true;
    await expect(
      writes.updateAccount({ id: account.id, patch: { host: 'server42.hostingco.net', password: 'new-password', smtp: { host: 'server42.hostingco.net', password: 'new-smtp-password' } } }),
    ).rejects.toThrow('keyring refused the second entry');
    // All or nothing: the old row with its old passwords (without the fix the incoming entry kept the new
    // password beside the old host, which is then sent to mail.example.org at the next sync).
    expect(listAccounts(db).find((a) => a.id === account.id)).toMatchObject({ host: 'mail.example.org', smtp: { host: 'smtp.example.org' } });
    expect(await vault.getPassword(account.id)).toBe('alice-password');
    expect(await vault.getPassword(`${account.id}:smtp`)).toBe('smtp-password');
  });
});

describe('removing an account while it syncs', () => {
  it('stops the running pass first, so no row is written for a removed account', async () => {
    const { db, vault, writes } = setup();
    const account = await writes.addAccount(alice);
    const ctx: WriterContext = { db, dataDir: '', vault, emit: () => undefined, shutdown: new AbortController().signal };
    const runtime = new SyncRuntime(ctx);
    const removeWrites = createAccountWrites(ctx, runtime);
    // A stand-in pass that runs until its signal aborts, then reports what it saw.
    let sawAbort = false;
    const engine = await import('../../../../../electron/sync/imap/imap-engine');
    const original = engine.imapEngine.syncOnce;
    engine.imapEngine.syncOnce = (engineCtx) =>
      new Promise((resolve) => {
        engineCtx.signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve({ added: 0 });
        });
      });
    try {
      const pass = runtime.syncOne(account, new AbortController().signal);
      await removeWrites.removeAccount({ id: account.id, confirm: true });
      expect(sawAbort).toBe(true);
      await pass;
      expect(listAccounts(db)).toEqual([]);
    } finally {
      engine.imapEngine.syncOnce = original;
    }
  });
});

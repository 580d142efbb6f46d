import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewAccount } from '../../../../../shared/contract/accounts';
import { outgoingVaultKey } from '../../../../../electron/accounts/outgoing-password';
import { MemoryVault } from '../../../../../electron/accounts/vault';
import type { WriteDb } from '../../../../../electron/store/db';
import { listIdentities } from '../../../../../electron/store/identities';
import { closeDb, openWriteDb } from '../../../../../electron/store/open';
import { createAccountWrites } from '../../../../../electron/sync/writes/account-writes';
import { createOutgoingWrites } from '../../../../../electron/sync/writes/outgoing-writes';
import { OutboxRunner } from '../../../../../electron/sync/outgoing/outbox-runner';
import { SyncRuntime } from '../../../../../electron/sync/sync-runtime';
import type { WriterContext } from '../../../../../electron/sync/writer-context';
import { createWriter } from '../../../../../electron/sync/writer';

const open: WriteDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) closeDb(db);
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'homing-outgoing-settings-'));
  const db = openWriteDb(join(dir, 'homing.sqlite'));
  open.push(db);
  const vault = new MemoryVault();
  const events: Array<[string, unknown]> = [];
  const ctx: WriterContext = { db, dataDir: dir, vault, emit: (event, payload) => events.push([event, payload]), shutdown: new AbortController().signal };
  const runtime = new SyncRuntime(ctx);
  return { db, vault, events, ctx, accounts: createAccountWrites(ctx, runtime), outgoing: createOutgoingWrites(ctx, new OutboxRunner(ctx, runtime)) };
}

const alice: NewAccount = {
  email: 'alice@example.org',
  name: 'Alice Liddell',
  protocol: 'imap',
  host: 'mail.example.org',
  port: 993,
  security: 'tls',
  username: 'alice@example.org',
  password: 'incoming-secret',
};

describe('the outgoing server of an account', () => {
  it('is stored with the account, its own password in the vault beside the incoming one, never in the database', async () => {
    const { db, vault, accounts } = setup();
    const account = await accounts.addAccount({ ...alice, smtp: { host: 'SMTP.example.org', port: 465, security: 'tls', password: 'outgoing-secret' } });
    expect(account.smtp).toEqual({ host: 'smtp.example.org', port: 465, security: 'tls', username: 'alice@example.org', passwordSource: 'own', trustedFingerprint: null });
    expect(await vault.getPassword(outgoingVaultKey(account.id))).toBe('outgoing-secret');
    expect(await vault.getPassword(account.id)).toBe('incoming-secret');
    expect(JSON.stringify(db.sqlite.prepare('SELECT * FROM accounts').all())).not.toContain('secret');
  });

  it('uses the incoming password unless it has its own; null goes back to it and forgets the own one', async () => {
    const { vault, accounts } = setup();
    const account = await accounts.addAccount({ ...alice, smtp: { host: 'mail.example.org', port: 587, security: 'starttls' } });
    expect(account.smtp?.passwordSource).toBe('incoming');
    const own = await accounts.updateAccount({ id: account.id, patch: { smtp: { password: 'outgoing-secret' } } });
    expect(own.smtp).toMatchObject({ host: 'mail.example.org', port: 587, passwordSource: 'own' });
    expect(await vault.getPassword(outgoingVaultKey(account.id))).toBe('outgoing-secret');
    // Back to the incoming password: it was stored for the incoming server (port 993), so it is typed again.
    await expect(accounts.updateAccount({ id: account.id, patch: { smtp: { password: null } } })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' });
    const back = await accounts.updateAccount({ id: account.id, patch: { smtp: { password: null }, password: 'secret' } });
    expect(back.smtp?.passwordSource).toBe('incoming');
    expect(await vault.getPassword(outgoingVaultKey(account.id))).toBeNull();
  });

  it('drops a pinned certificate when the host changes, keeps it otherwise; null removes the server', async () => {
    const { vault, accounts } = setup();
    const pin = 'ab'.repeat(32);
    const account = await accounts.addAccount({ ...alice, smtp: { host: 'mail.example.org', port: 465, security: 'tls', trustedFingerprint: pin, password: 'x-secret' } });
    // Its own password goes only to the server it was stored for: another port or host needs it again.
    await expect(accounts.updateAccount({ id: account.id, patch: { smtp: { port: 2465 } } })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED', detail: { change: 'port' } });
    expect((await accounts.updateAccount({ id: account.id, patch: { smtp: { port: 2465, password: 'x-secret' } } })).smtp?.trustedFingerprint).toBe(pin);
    expect((await accounts.updateAccount({ id: account.id, patch: { smtp: { host: 'smtp.hostingco.net', password: 'x-secret' } } })).smtp?.trustedFingerprint).toBeNull();
    expect((await accounts.updateAccount({ id: account.id, patch: { smtp: null } })).smtp).toBeNull();
    expect(await vault.getPassword(outgoingVaultKey(account.id))).toBeNull();
  });

  it('needs host, port and security when an account without one gets an outgoing server', async () => {
    const { accounts } = setup();
    const account = await accounts.addAccount(alice);
    expect(account.smtp).toBeNull();
    await expect(accounts.updateAccount({ id: account.id, patch: { smtp: { host: 'mail.example.org' } } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('forgets the outgoing password with the account', async () => {
    const { vault, accounts } = setup();
    const account = await accounts.addAccount({ ...alice, smtp: { host: 'mail.example.org', port: 465, security: 'tls', password: 'outgoing-secret' } });
    await accounts.removeAccount({ id: account.id, confirm: true });
    expect(await vault.getPassword(outgoingVaultKey(account.id))).toBeNull();
  });
});

describe('identities', () => {
  it('every new account has one: its address under the name it was given, the default', async () => {
    const { db, accounts } = setup();
    const account = await accounts.addAccount(alice);
    expect(listIdentities(db, account.id)).toEqual([
      expect.objectContaining({ accountId: account.id, name: 'Alice Liddell', address: 'alice@example.org', replyTo: null, isDefault: true }),
    ]);
  });

  it('several per account; a new default replaces the old; the last one stays; changes are announced', async () => {
    const { db, ctx, accounts, outgoing, events } = setup();
    createWriter(ctx); // emits identitiesChanged after each commit
    const account = await accounts.addAccount(alice);
    const [first] = listIdentities(db, account.id);
    const work = await outgoing.saveIdentity({
      accountId: account.id,
      name: 'Alice (work)',
      address: 'alice@work.example',
      replyTo: 'team@work.example',
      signatureText: '-- \nAlice',
      signatureHtml: '<p>Alice</p>',
      isDefault: true,
    });
    expect(listIdentities(db, account.id).map((i) => [i.address, i.isDefault])).toEqual([
      ['alice@work.example', true],
      ['alice@example.org', false],
    ]);
    await outgoing.removeIdentity({ id: work.id });
    expect(listIdentities(db, account.id)).toEqual([expect.objectContaining({ id: first!.id, isDefault: true })]);
    await expect(outgoing.removeIdentity({ id: first!.id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(events.filter(([name]) => name === 'identitiesChanged').length).toBeGreaterThanOrEqual(3);
  });
});

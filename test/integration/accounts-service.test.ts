import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAccountSettings } from '../../shared/contract/accounts';
import { createResolvers } from '../../electron/accounts/resolvers';
import { MemoryVault } from '../../electron/accounts/vault';
import { createAccountQueries } from '../../electron/service/account-queries';
import { insertAccount } from '../../electron/store/accounts';
import type { ReadDb, WriteDb } from '../../electron/store/db';
import { closeDb, openReadDb, openWriteDb } from '../../electron/store/open';
import { writeTransaction } from '../../electron/store/write-transaction';
import { type DnsServer, startDnsServer } from '../servers/dns-server';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/** MailService's account queries on a real store and a real Dovecot: stored settings, stored password, the pin's scope. */
describe('account queries (testConnection, autoconfigAccount, getCredentialStoreInfo)', () => {
  let dovecot: DovecotServer;
  let dns: DnsServer;
  let writer: WriteDb;
  let reader: ReadDb;
  const vault = new MemoryVault();
  let queries: ReturnType<typeof createAccountQueries>;
  let pinned = '';
  let bare = '';

  beforeAll(async () => {
    dovecot = await startDovecot({ certificateNames: ['server42.hostingco.test'] });
    dns = await startDnsServer({
      'mail.example.test': { A: ['127.0.0.1'] },
      'server42.hostingco.test': { A: ['127.0.0.1'] },
      '_imaps._tcp.example.test': { SRV: [{ priority: 0, weight: 0, port: 993, target: 'server42.hostingco.test' }] },
    });
    const dir = mkdtempSync(join(tmpdir(), 'homing-account-queries-'));
    writer = openWriteDb(join(dir, 'homing.sqlite'));
    reader = openReadDb(join(dir, 'homing.sqlite'));
    const base = { email: 'alice@example.test', name: 'Alice', protocol: 'imap' as const, host: 'mail.example.test', port: dovecot.ports.imaps, security: 'tls' as const, username: 'alice', settings: defaultAccountSettings };
    pinned = writeTransaction(writer, (changes) => insertAccount(writer, changes, { ...base, trustedFingerprint: dovecot.certificate.fingerprint256 })).id;
    bare = writeTransaction(writer, (changes) => insertAccount(writer, changes, { ...base, trustedFingerprint: null })).id;
    await vault.setPassword(pinned, 'alice-secret');
    // No CA for the self-signed certificate: only the pin makes it acceptable.
    const resolvers = createResolvers({ dnsServers: [dns.address], ispdbBaseUrl: 'https://127.0.0.1:1/v1.1' });
    queries = createAccountQueries(
      { db: reader, dataDir: dir, vault, writable: () => false, syncStatus: new Map() },
      { resolvers, probeTimeouts: { greetingMs: 5_000 }, autoconfigTimeouts: { httpMs: 5_000, probeMs: 5_000, greetingMs: 5_000, deadlineMs: 60_000 } },
    );
  });
  afterAll(async () => {
    if (reader) closeDb(reader);
    if (writer) closeDb(writer);
    await dns?.close();
    await dovecot?.destroy();
  });

  it('tests stored settings with the stored password and the account’s pinned certificate', async () => {
    expect(await queries.testConnection({ accountId: pinned })).toMatchObject({ ok: true, certificate: { fingerprint256: dovecot.certificate.fingerprint256 } });
  });

  it('tests settings being edited with the stored password; the pin does not follow the account to another host', async () => {
    const elsewhere = { protocol: 'imap' as const, host: 'server42.hostingco.test', port: dovecot.ports.imaps, security: 'tls' as const, username: 'alice' };
    // Another host: the stored password does not go there; typed again, it does, and the pin stays behind.
    await expect(queries.testConnection({ accountId: pinned, server: elsewhere })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED', detail: { change: 'host' } });
    const other = await queries.testConnection({ accountId: pinned, server: elsewhere, password: 'alice-secret' });
    expect(other).toMatchObject({ ok: false, error: { code: 'TLS_CERT_UNTRUSTED' } });
    const wrongPassword = await queries.testConnection({ accountId: pinned, password: 'not-it-at-all' });
    expect(wrongPassword).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
  });

  it('asks for a password when none is stored or given, and refuses unknown ids', async () => {
    await expect(queries.testConnection({ accountId: bare })).rejects.toMatchObject({ code: 'CREDENTIALS_MISSING' });
    await expect(queries.testConnection({ accountId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(queries.testConnection({ accountId: 'local' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(queries.testConnection({})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // Settings typed for a new account, with a password and a fingerprint the user chose to trust.
    expect(
      await queries.testConnection({
        server: { protocol: 'pop3', host: 'mail.example.test', port: dovecot.ports.pop3s, security: 'tls', username: 'alice' },
        password: 'alice-secret',
        trustedFingerprint: dovecot.certificate.fingerprint256,
      }),
    ).toMatchObject({ ok: true });
  });

  it('finds settings and says where passwords are kept', async () => {
    const found = await queries.autoconfigAccount({ email: 'bob@example.test' });
    expect(found.imap[0]).toMatchObject({ host: 'server42.hostingco.test', port: 993, source: 'srv' });
    expect(await queries.getCredentialStoreInfo({})).toEqual({ description: 'memory', weakness: null, keychain: 'available' });
  });
});

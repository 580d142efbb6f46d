import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAccountSettings } from '../../shared/contract/accounts';
import { runAutoconfig } from '../../electron/accounts/autoconfig/run-autoconfig';
import { outgoingVaultKey } from '../../electron/accounts/outgoing-password';
import { createResolvers } from '../../electron/accounts/resolvers';
import { MemoryVault } from '../../electron/accounts/vault';
import { createOutgoingQueries } from '../../electron/service/outgoing-queries';
import { insertAccount } from '../../electron/store/accounts';
import type { ReadDb, WriteDb } from '../../electron/store/db';
import { closeDb, openReadDb, openWriteDb } from '../../electron/store/open';
import { writeTransaction } from '../../electron/store/write-transaction';
import { type DnsServer, startDnsServer } from '../servers/dns-server';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';

/** The outgoing server's connection test and autoconfig against a real Postfix (submission) and Dovecot. */
describe('outgoing server settings against Postfix', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  let dns: DnsServer;
  let writer: WriteDb;
  let reader: ReadDb;
  const vault = new MemoryVault();
  let queries: ReturnType<typeof createOutgoingQueries>;
  let resolvers: ReturnType<typeof createResolvers>;
  let accountId = '';

  beforeAll(async () => {
    dovecot = await startDovecot();
    postfix = await startPostfix({ dovecot });
    dns = await startDnsServer({
      'mail.example.test': { A: ['127.0.0.1'] },
      'imap.srv.test': { A: ['127.0.0.1'] },
      'smtp.srv.test': { A: ['127.0.0.1'] },
      '_imaps._tcp.srv.test': { SRV: [{ priority: 0, weight: 0, port: 993, target: 'imap.srv.test' }] },
      '_submissions._tcp.srv.test': { SRV: [{ priority: 0, weight: 0, port: 465, target: 'smtp.srv.test' }] },
      '_submission._tcp.srv.test': { SRV: [{ priority: 0, weight: 0, port: 587, target: 'smtp.srv.test' }] },
    });
    const dir = mkdtempSync(join(tmpdir(), 'homing-smtp-settings-'));
    writer = openWriteDb(join(dir, 'homing.sqlite'));
    reader = openReadDb(join(dir, 'homing.sqlite'));
    accountId = writeTransaction(writer, (changes) =>
      insertAccount(writer, changes, {
        email: 'alice@example.test',
        name: 'Alice',
        protocol: 'imap',
        host: 'mail.example.test',
        port: dovecot.ports.imaps,
        security: 'tls',
        username: 'alice',
        trustedFingerprint: dovecot.certificate.fingerprint256,
        settings: defaultAccountSettings,
        smtp: { host: 'mail.example.test', port: postfix.ports.submissions, security: 'tls', username: 'alice', passwordSource: 'incoming', trustedFingerprint: postfix.certificate.fingerprint256 },
      }),
    ).id;
    await vault.setPassword(accountId, 'alice-secret');
    // Standard ports are mapped to the private servers' loopback ports; no CA: only pins make the certificate acceptable.
    resolvers = createResolvers({
      dnsServers: [dns.address],
      ispdbBaseUrl: 'https://127.0.0.1:1/v1.1',
      portMap: { 993: dovecot.ports.imaps, 143: dovecot.ports.imap, 995: 1, 110: 1, 465: postfix.ports.submissions, 587: postfix.ports.submission },
    });
    queries = createOutgoingQueries({ db: reader, dataDir: dir, vault, writable: () => false, syncStatus: new Map() }, { resolvers, probeTimeouts: { greetingMs: 3_000 } });
  });
  afterAll(async () => {
    if (reader) closeDb(reader);
    if (writer) closeDb(writer);
    await dns?.close();
    await postfix?.destroy();
    await dovecot?.destroy();
  });

  it('tests the stored outgoing server with the incoming password and the pinned certificate: EHLO extensions, certificate', async () => {
    const result = await queries.testOutgoingServer({ accountId });
    expect(result).toMatchObject({ ok: true, certificate: { fingerprint256: postfix.certificate.fingerprint256 } });
    expect(result.ok && result.capabilities).toEqual(expect.arrayContaining(['PIPELINING', '8BITMIME', 'SMTPUTF8', expect.stringMatching(/^AUTH /)]));
  });

  it('tests settings being typed: STARTTLS, a wrong password (AUTH_FAILED), no pin (the certificate explained)', async () => {
    const typed = { host: 'mail.example.test', port: postfix.ports.submission, security: 'starttls' as const, username: 'alice' };
    // Another port is another server: the account's pin does not follow, the fingerprint is given as the dialog would.
    const pin = postfix.certificate.fingerprint256;
    // The stored password goes only to the server it was stored for: another port needs it typed.
    await expect(queries.testOutgoingServer({ accountId, server: typed, trustedFingerprint: pin })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED', detail: { change: 'port' } });
    expect(await queries.testOutgoingServer({ accountId, server: typed, trustedFingerprint: pin, password: 'alice-secret' })).toMatchObject({ ok: true });
    expect(await queries.testOutgoingServer({ accountId, server: typed, trustedFingerprint: pin, password: 'not-the-password' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED', detail: { fix: 'check-password' } },
    });
    const unpinned = await queries.testOutgoingServer({ accountId, server: typed, password: 'alice-secret' });
    expect(unpinned).toMatchObject({ ok: false, error: { code: 'TLS_CERT_UNTRUSTED', detail: { fix: 'trust-certificate', certificate: { fingerprint256: postfix.certificate.fingerprint256 } } } });
    expect(JSON.stringify(unpinned)).not.toContain('alice-secret');
  });

  it('tells a security setting that does not match the port (TLS_WRONG_PORT) both ways', async () => {
    const pin = postfix.certificate.fingerprint256;
    const tlsOnPlain = await queries.testOutgoingServer({ server: { host: 'mail.example.test', port: postfix.ports.submission, security: 'tls', username: 'alice' }, password: 'alice-secret', trustedFingerprint: pin });
    expect(tlsOnPlain).toMatchObject({ ok: false, error: { code: 'TLS_WRONG_PORT', detail: { fix: 'switch-security' } } });
    const plainOnTls = await queries.testOutgoingServer({ server: { host: 'mail.example.test', port: postfix.ports.submissions, security: 'starttls', username: 'alice' }, password: 'alice-secret', trustedFingerprint: pin });
    expect(plainOnTls).toMatchObject({ ok: false, error: { code: 'TLS_WRONG_PORT', detail: { suggested: { security: 'tls' } } } });
    // Sending's own ports, never IMAP's and POP3's (the dialog said "993/995 … 143/110" for an SMTP server).
    for (const result of [tlsOnPlain, plainOnTls]) {
      const error = result.ok ? null : result.error;
      expect(`${error?.message} ${String(error?.detail?.hint)}`).not.toMatch(/993|995|143|110/);
    }
    expect(tlsOnPlain.ok ? '' : tlsOnPlain.error.message).toContain('Use SSL/TLS on port 465 and STARTTLS on 587.');
  });

  it('a refused connection names sending’s ports, not IMAP’s and POP3’s', async () => {
    const refused = await queries.testOutgoingServer({ server: { host: '127.0.0.1', port: 1, security: 'tls', username: 'alice' }, password: 'alice-secret', trustedFingerprint: null });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED', detail: { hint: 'Sending (SMTP) uses 465 (SSL/TLS) or 587 (STARTTLS).' } } });
  });

  it('asks for the outgoing server’s own password when that is what the account uses and none is stored', async () => {
    writeTransaction(writer, (changes) => {
      writer.sqlite.prepare("UPDATE accounts SET smtp = json_set(smtp, '$.passwordSource', 'own') WHERE id = ?").run(accountId);
      changes.account(accountId);
    });
    try {
      await expect(queries.testOutgoingServer({ accountId })).rejects.toMatchObject({ code: 'CREDENTIALS_MISSING' });
      await vault.setPassword(outgoingVaultKey(accountId), 'alice-secret');
      expect(await queries.testOutgoingServer({ accountId })).toMatchObject({ ok: true });
    } finally {
      writer.sqlite.prepare("UPDATE accounts SET smtp = json_set(smtp, '$.passwordSource', 'incoming') WHERE id = ?").run(accountId);
    }
  });

  it('autoconfig finds the outgoing server: SRV _submissions (465) before _submission (587)', async () => {
    const result = await runAutoconfig('alice@srv.test', { resolvers, settle: 'all', timeouts: { httpMs: 2_000, probeMs: 2_000, greetingMs: 2_000, deadlineMs: 30_000 } });
    expect(result.smtp.filter((c) => c.source === 'srv').map((c) => `${c.host}:${c.port}:${c.security}`)).toEqual(['smtp.srv.test:465:tls', 'smtp.srv.test:587:starttls']);
  });

  it('autoconfig guesses the outgoing server on the incoming host when no source names one', async () => {
    const result = await runAutoconfig('alice@example.test', { resolvers, timeouts: { httpMs: 2_000, probeMs: 2_000, greetingMs: 2_000, deadlineMs: 30_000 } });
    expect(result.imap.length).toBeGreaterThan(0);
    expect(result.smtp.map((c) => `${c.host}:${c.port}:${c.security}:${c.probed}`)).toEqual(['mail.example.test:465:tls:true', 'mail.example.test:587:starttls:true']);
  });
});

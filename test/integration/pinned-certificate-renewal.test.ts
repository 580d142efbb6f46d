import { mkdtempSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { makeCertificate } from '../servers/certificate';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * A hosting server starts with a self-signed certificate, which the user trusts by its fingerprint; later
 * the provider installs one that verifies (cPanel's AutoSSL), and renews it every few months. Here the
 * account is pinned to an old self-signed certificate and Dovecot shows one that verifies for 127.0.0.1
 * (the CLI trusts it through Node's NODE_EXTRA_CA_CERTS, as it would a public authority's).
 */
describe('a pinned account whose server gets a certificate that verifies', () => {
  let dovecot: DovecotServer;
  let dir: string;
  const ids: Record<string, string> = {};
  const verifying = () => ({ NODE_EXTRA_CA_CERTS: dovecot.certificate.certPath, PW: 'alice-secret' });

  beforeAll(async () => {
    dovecot = await startDovecot();
    const old = await makeCertificate(await mkdtemp(join(tmpdir(), 'homing-old-cert-')));
    dir = mkdtempSync(join(tmpdir(), 'homing-pin-renewal-'));
    for (const [protocol, port] of [['imap', dovecot.ports.imaps], ['pop3', dovecot.ports.pop3s]] as const) {
      const added = await runCli(['--data-dir', dir, 'account', 'add', '--email', `alice+${protocol}@example.test`, '--protocol', protocol,
        '--host', '127.0.0.1', '--port', String(port), '--security', 'tls', '--username', 'alice', '--password-env', 'PW', '--insecure-store-in-file',
        '--trust-fingerprint', old.fingerprint256, '--no-test'], { env: verifying() });
      expect(added.status, added.stderr).toBe(0);
      ids[protocol] = added.stdout.trim();
    }
    await dovecot.deliver('alice', 'From: Kim <kim@example.org>\r\nTo: alice@example.test\r\nSubject: After the renewal\r\nMessage-ID: <renewal@example.org>\r\n\r\nHello.\r\n');
  }, 60_000);

  afterAll(async () => {
    await dovecot?.destroy();
  });

  it('still refuses a changed certificate that does not verify', async () => {
    const sync = await runCli(['--data-dir', dir, 'sync'], { env: { ...verifying(), NODE_EXTRA_CA_CERTS: '' } });
    expect(sync.status).not.toBe(0);
    expect(sync.stderr).toContain(`TLS_CERT_CHANGED: ${ids.imap}`);
    expect(sync.stderr).toContain(`TLS_CERT_CHANGED: ${ids.pop3}`);
  }, 60_000);

  it('syncs over IMAP and POP3 with nothing for the user to do', async () => {
    const sync = await runCli(['--data-dir', dir, 'sync'], { env: verifying() });
    expect(sync.stderr).not.toContain('TLS_CERT');
    expect(sync.status, sync.stderr).toBe(0);
    for (const id of Object.values(ids)) {
      const listed = await runCli(['--data-dir', dir, 'list', '--account', id], { env: verifying() });
      expect(listed.stdout).toContain('After the renewal');
    }
  }, 60_000);
});

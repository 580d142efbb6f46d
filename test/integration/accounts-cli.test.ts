import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli';
import { type DnsServer, startDnsServer } from '../servers/dns-server';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { freePort } from '../servers/free-port';
import { keychainLookup } from '../servers/secret-service';

const GOOD = 'alice-secret';
const BAD = 'Not-The-Password-7f3e';

/**
 * `homing account …` as a user runs it, against Dovecot with a certificate for its provider's name. The
 * CLI process gets the loopback DNS server through HOMING_DNS_SERVERS and trusts the test certificate
 * through Node's own NODE_EXTRA_CA_CERTS, so nothing leaves the machine. Every byte the CLI prints is
 * collected and searched for the passwords at the end.
 */
describe('homing account (CLI) against Dovecot', () => {
  let dovecot: DovecotServer;
  let dns: DnsServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const printed: string[] = [];

  const cli = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await runCli(['--data-dir', dir, ...args], { env: { ...env, ...extraEnv } });
    printed.push(result.stdout, result.stderr);
    return result;
  };

  beforeAll(async () => {
    dovecot = await startDovecot({ certificateNames: ['server42.hostingco.test'] });
    dns = await startDnsServer({
      'mail.example.test': { A: ['127.0.0.1'] },
      'server42.hostingco.test': { A: ['127.0.0.1'] },
      '_imaps._tcp.example.test': { SRV: [{ priority: 0, weight: 0, port: dovecot.ports.imaps, target: 'server42.hostingco.test' }] },
      '_pop3s._tcp.example.test': { SRV: [{ priority: 0, weight: 0, port: dovecot.ports.pop3s, target: 'server42.hostingco.test' }] },
    });
    dir = mkdtempSync(join(tmpdir(), 'homing-accounts-cli-'));
    env = {
      HOMING_DNS_SERVERS: dns.address,
      // Nothing answers here: the ISPDB lookup fails at once, on loopback.
      HOMING_ISPDB_URL: `http://127.0.0.1:${await freePort()}/v1.1`,
      NODE_EXTRA_CA_CERTS: dovecot.certificate.certPath,
      GOOD_PASSWORD: GOOD,
      BAD_PASSWORD: BAD,
    };
  });

  afterAll(async () => {
    await dns?.close();
    await dovecot?.destroy();
    // Nothing the CLI printed, and nothing in the database, holds a password.
    const output = printed.join('\n');
    expect(output).not.toContain(GOOD);
    expect(output).not.toContain(BAD);
    for (const file of readdirSync(dir).filter((f) => f.startsWith('homing.sqlite'))) {
      const bytes = readFileSync(join(dir, file));
      expect(bytes.includes(GOOD)).toBe(false);
      expect(bytes.includes(BAD)).toBe(false);
    }
  });

  let id = '';

  describe('account add tests the connection first, and stores nothing that does not work', () => {
    const addArgs = (host: string, password = 'GOOD_PASSWORD') => ['account', 'add', '--email', 'alice@example.test', '--protocol', 'imap',
      '--host', host, '--port', String(dovecot.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', password];
    let other = '';
    const inOther = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => cli(['--data-dir', other, ...args], extraEnv);
    beforeAll(() => {
      other = mkdtempSync(join(tmpdir(), 'homing-accounts-add-'));
    });

    it('refuses an untrusted certificate, printing its details and the exact --trust-fingerprint argument; that argument then adds it', async () => {
      // No CA for the test certificate in this run: it is a self-signed one, as many hosting servers have.
      const untrusted = { NODE_EXTRA_CA_CERTS: '' };
      const refused = await inOther(addArgs('server42.hostingco.test'), untrusted);
      expect(refused.status).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/^homing: TLS_CERT_UNTRUSTED: /);
      expect(refused.stderr).toContain('certificate: CN=server42.hostingco.test');
      expect(refused.stderr).toContain(`SHA-256:   ${dovecot.certificate.fingerprint256.toUpperCase().slice(0, 2)}:`);
      expect(refused.stderr).toMatch(/Nothing was stored/);
      const argument = `--trust-fingerprint ${dovecot.certificate.fingerprint256}`;
      expect(refused.stderr).toContain(argument);
      expect(JSON.parse((await inOther(['account', 'list', '--json'])).stdout)).toEqual([]);
      const trusted = await inOther([...addArgs('server42.hostingco.test'), ...argument.split(' ')], untrusted);
      expect(trusted).toMatchObject({ status: 0, stderr: '' });
      expect(JSON.parse((await inOther(['account', 'list', '--json'])).stdout)).toEqual([expect.objectContaining({ trustedFingerprint: dovecot.certificate.fingerprint256 })]);
      await inOther(['account', 'remove', trusted.stdout.trim(), '--yes']);
    });

    it('refuses a certificate for another name, suggesting the name it covers', async () => {
      const refused = await inOther(addArgs('mail.example.test'));
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/^homing: TLS_CERT_HOSTNAME: /);
      expect(refused.stderr).toContain('--host server42.hostingco.test');
      expect(JSON.parse((await inOther(['account', 'list', '--json'])).stdout)).toEqual([]);
    });

    it('refuses a wrong password before anything is stored', async () => {
      const refused = await inOther(addArgs('server42.hostingco.test', 'BAD_PASSWORD'));
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/^homing: AUTH_FAILED: /);
      // The advice once: the message ends with it, and a 'what to do:' line repeated it word for word.
      expect(refused.stderr.split('Check the user name (often your whole email address)')).toHaveLength(2);
      expect(refused.stderr).not.toContain('what to do:');
      expect(JSON.parse((await inOther(['account', 'list', '--json'])).stdout)).toEqual([]);
    });

    it('stores without testing with --no-test (setting up before the server is reachable)', async () => {
      const added = await inOther([...addArgs('nowhere.example.test'), '--no-test']);
      expect(added).toMatchObject({ status: 0, stderr: '' });
      await inOther(['account', 'remove', added.stdout.trim(), '--yes']);
    });
  });

  it('adds an account by the user’s own name and explains the certificate for the provider’s name', async () => {
    // --no-test: stored as typed, so that `account test` can explain what is wrong with it.
    const added = await cli(['account', 'add', '--email', 'alice@example.test', '--protocol', 'imap', '--host', 'mail.example.test',
      '--port', String(dovecot.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'GOOD_PASSWORD', '--no-test']);
    expect(added).toMatchObject({ status: 0, stderr: '' });
    id = added.stdout.trim();
    // The password is in the keychain (the run's private Secret Service), not in the data directory.
    expect(await keychainLookup(id)).toBe(GOOD);
    expect(readdirSync(dir).filter((f) => f.includes('password') || f.includes('credentials'))).toEqual([]);

    const test = await cli(['account', 'test', id]);
    expect(test.status).toBe(1);
    expect(test.stdout).toMatch(/^TLS_CERT_HOSTNAME: The server’s certificate is for server42\.hostingco\.test, not for mail\.example\.test/);
    expect(test.stdout).toContain(`to use the certificate's name: homing account edit ${id} --host server42.hostingco.test`);
    expect(test.stdout).toContain(`SHA-256:   ${dovecot.certificate.fingerprint256.toUpperCase().slice(0, 2)}:`);

    const json = await cli(['account', 'test', id, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'TLS_CERT_HOSTNAME', detail: { coveredNames: ['server42.hostingco.test'] } } });
  });

  it('connects after switching to the covered name, verified normally', async () => {
    // Another host: the stored password goes only to the server it was saved for, so it is given again.
    const refused = await cli(['account', 'edit', id, '--host', 'server42.hostingco.test']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^homing: PASSWORD_REQUIRED: .*the server name changed.*--password-env/);
    expect(await cli(['account', 'edit', id, '--host', 'server42.hostingco.test', '--password-env', 'GOOD_PASSWORD'])).toMatchObject({ status: 0 });
    const test = await cli(['account', 'test', id]);
    expect(test).toMatchObject({ status: 0 });
    expect(test.stdout).toMatch(/^ok: connected and logged in\./);
  });

  it.each([
    ['a wrong password', ['--password-env', 'BAD_PASSWORD'], 'AUTH_FAILED', /app password/],
    ['STARTTLS on the SSL/TLS port', ['--password-env', 'GOOD_PASSWORD', '--security', 'starttls'], 'TLS_WRONG_PORT', /SSL\/TLS/],
    ['an unknown host', ['--host', 'nowhere.example.test', '--security', 'tls', '--password-env', 'GOOD_PASSWORD'], 'DNS_NOT_FOUND', /nowhere\.example\.test could not be found/],
  ])('reports %s with its code and words', async (_name, edit, code, words) => {
    expect(await cli(['account', 'edit', id, ...edit])).toMatchObject({ status: 0 });
    const test = await cli(['account', 'test', id]);
    expect(test.status).toBe(1);
    expect(test.stdout.startsWith(`${code}: `)).toBe(true);
    expect(test.stdout).toMatch(words);
    // AUTH_FAILED's message ends with its advice: said once, not again on a 'what to do:' line.
    if (code === 'AUTH_FAILED') expect(test.stdout.split('Check the user name (often your whole email address)')).toHaveLength(2);
    else expect(test.stdout).toMatch(/what to do: /);
  });

  it('a sync to a server name that does not exist says which name and where to fix it, not an outage (.invalid, RFC 6761)', async () => {
    expect(await cli(['account', 'edit', id, '--host', 'mail.nonexistent.invalid', '--password-env', 'GOOD_PASSWORD'])).toMatchObject({ status: 0 });
    const sync = await cli(['sync']);
    expect(sync.status).toBe(1);
    expect(sync.stderr).toContain(`homing: DNS_NOT_FOUND: ${id}: The server name mail.nonexistent.invalid could not be found. Check the server name in the account’s settings.`);
    // Asked of the loopback DNS server (HOMING_DNS_SERVERS), which knows no such name.
    expect(dns.queries).toContain('A mail.nonexistent.invalid');
  });

  it('the same for a POP3 account, whose sync asks the same name service as account setup (HOMING_DNS_SERVERS)', async () => {
    const pop = mkdtempSync(join(tmpdir(), 'homing-accounts-pop3-'));
    const inPop = (args: string[]) => cli(['--data-dir', pop, ...args]);
    const added = await inPop(['account', 'add', '--email', 'alice@example.test', '--protocol', 'pop3', '--host', 'server42.hostingco.test',
      '--port', String(dovecot.ports.pop3s), '--security', 'tls', '--username', 'alice', '--password-env', 'GOOD_PASSWORD']);
    expect(added.status).toBe(0);
    const popId = added.stdout.trim();
    expect(await inPop(['account', 'edit', popId, '--host', 'mail.nonexistent.invalid', '--password-env', 'GOOD_PASSWORD'])).toMatchObject({ status: 0 });
    const before = dns.queries.filter((q) => q.includes('mail.nonexistent.invalid')).length;
    const sync = await inPop(['sync']);
    expect(sync.status).toBe(1);
    expect(sync.stderr).toContain(`homing: DNS_NOT_FOUND: ${popId}: The server name mail.nonexistent.invalid could not be found. Check the server name in the account’s settings.`);
    expect(dns.queries.filter((q) => q.includes('mail.nonexistent.invalid')).length).toBeGreaterThan(before);
  });

  it('reports a closed port as CONNECTION_REFUSED', async () => {
    await cli(['account', 'edit', id, '--host', 'server42.hostingco.test', '--port', String(await freePort()), '--password-env', 'GOOD_PASSWORD']);
    const test = await cli(['account', 'test', id, '--json']);
    expect(JSON.parse(test.stdout)).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED', detail: { fix: 'check-port' } } });
  });

  it('finds settings by SRV records through the loopback DNS server', async () => {
    const result = await cli(['account', 'autoconfig', 'bob@example.test', '--json']);
    expect(result.status).toBe(0);
    const found = JSON.parse(result.stdout) as { imap: Array<{ host: string; port: number; source: string }>; pop3: Array<{ source: string }> };
    expect(found.imap[0]).toMatchObject({ host: 'server42.hostingco.test', port: dovecot.ports.imaps, source: 'srv', username: 'bob@example.test' });
    expect(found.pop3[0]).toMatchObject({ source: 'srv' });
    const none = await cli(['account', 'autoconfig', 'carol@nothing-here.test']);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^homing: AUTOCONFIG_NOT_FOUND: No settings could be found for carol@nothing-here\.test/);
  });

  it('does not wait for an answer when there is no terminal, and removes with --yes', async () => {
    const refused = await cli(['account', 'remove', id]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^homing: CANCELLED: not removed: there is no terminal/);
    expect(JSON.parse((await cli(['account', 'list', '--json'])).stdout)).toHaveLength(1);
    expect(await cli(['account', 'remove', id, '--yes'])).toMatchObject({ status: 0 });
    expect(JSON.parse((await cli(['account', 'list', '--json'])).stdout)).toEqual([]);
    // Its password went with it.
    expect(await keychainLookup(id)).toBeNull();
  });
});

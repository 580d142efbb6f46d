import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AutoconfigResult } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import { runAutoconfig, type AutoconfigOptions } from '../../electron/accounts/autoconfig/run-autoconfig';
import { createResolvers, type Resolvers } from '../../electron/accounts/resolvers';
import { autoconfigXml, type AutoconfigHttp, startAutoconfigHttp } from '../servers/autoconfig-http';
import { type DnsServer, startDnsServer } from '../servers/dns-server';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Autoconfig end to end, on loopback only: a DNS server answers the test names (all 127.0.0.1), an
 * HTTP and an HTTPS server (test CA) serve the config files, a real Dovecot answers the guesses, and the
 * resolvers' port map sends 80/443/993/143/995/110 to those servers' free ports.
 */
describe('autoconfig against loopback DNS, HTTP(S) and Dovecot', () => {
  let dns: DnsServer;
  let web: AutoconfigHttp;
  let dovecot: DovecotServer;
  let silent: Server;
  const silentSockets = new Set<Socket>();
  let resolvers: Resolvers;
  const here = { A: ['127.0.0.1'] };
  // Generous limits: a loaded CI machine must not turn a slow answer into a failed lookup. Tests of
  // answers that never come set a short limit of their own.
  const fast = { httpMs: 10_000, probeMs: 10_000, greetingMs: 5_000, deadlineMs: 60_000 };
  const find = (email: string, options: Partial<AutoconfigOptions> = {}) =>
    runAutoconfig(email, { resolvers, timeouts: fast, settle: 'all', ...options });
  const summary = (result: AutoconfigResult) =>
    [...result.imap, ...result.pop3].map((c) => `${c.source} ${c.protocol} ${c.host}:${c.port} ${c.security}`);

  beforeAll(async () => {
    dovecot = await startDovecot();
    // A TCP server that accepts and never says a word (a hung mail server).
    silent = createServer((socket) => {
      silentSockets.add(socket);
      socket.on('error', () => undefined).once('close', () => silentSockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    web = await startAutoconfigHttp({
      names: ['autoconfig.example.test', 'example.test', 'wk.test', 'ispdb.test', 'autoconfig.hostingco.test', 'autoconfig.broken.test', 'broken.test', 'autoconfig.all.test', 'autoconfig.early.test'],
    });
    dns = await startDnsServer({
      'autoconfig.example.test': here,
      'example.test': here,
      'autoconfig.plainonly.test': here,
      'wk.test': here,
      'ispdb.test': here,
      'autoconfig.hostingco.test': here,
      'hosted.test': { MX: [{ priority: 20, exchange: 'mx2.hostingco.test' }, { priority: 10, exchange: 'mx1.hostingco.test' }] },
      'selfmx.test': { MX: [{ priority: 10, exchange: 'mx.selfmx.test' }] },
      '_imaps._tcp.srv.test': { SRV: [{ priority: 10, weight: 1, port: 993, target: 'imap-b.srv.test' }, { priority: 0, weight: 1, port: 993, target: 'imap-a.srv.test' }] },
      '_imap._tcp.srv.test': { SRV: [{ priority: 0, weight: 0, port: 0, target: '.' }] },
      '_pop3s._tcp.srv.test': { SRV: [{ priority: 0, weight: 0, port: 995, target: 'pop.srv.test' }] },
      'imap.guess.test': here,
      'mail.guess.test': here,
      'autoconfig.broken.test': here,
      'broken.test': here,
      'autoconfig.all.test': here,
      '_imaps._tcp.all.test': { SRV: [{ priority: 0, weight: 0, port: 993, target: 'srv-imap.all.test' }] },
      'imap.all.test': here,
      'autoconfig.early.test': here,
      'imap.early.test': here,
    });
    resolvers = createResolvers({
      dnsServers: [dns.address],
      ca: [web.ca.pem],
      ispdbBaseUrl: 'https://ispdb.test/v1.1',
      portMap: {
        ...web.portMap,
        993: dovecot.ports.imaps,
        143: dovecot.ports.imap,
        995: dovecot.ports.pop3s,
        110: dovecot.ports.pop3,
      },
    });
  });
  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    silent?.close();
    await web?.close();
    await dns?.close();
    await dovecot?.destroy();
  });
  beforeEach(() => {
    web.clearRoutes();
    web.requests.length = 0;
  });

  it('finds the provider’s autoconfig host over https (test CA), passing the address', async () => {
    web.route('https://autoconfig.example.test/mail/config-v1.1.xml', {
      body: autoconfigXml('example.test', [
        { type: 'imap', hostname: 'imap.example.test', port: 993, socketType: 'SSL' },
        { type: 'pop3', hostname: 'pop.example.test', port: 995, socketType: 'SSL', username: '%EMAILLOCALPART%' },
      ]),
    });
    const result = await find('alice@example.test');
    expect(result.imap[0]).toEqual({
      protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'alice@example.test', usernameForm: '%EMAILADDRESS%',
      source: 'autoconfig', probed: false, foundAt: 'https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=alice%40example.test',
    });
    expect(result.pop3[0]).toMatchObject({ host: 'pop.example.test', username: 'alice', usernameForm: '%EMAILLOCALPART%', source: 'autoconfig' });
    expect(web.requests).toContain('https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=alice%40example.test');
  });

  it('falls back from https to http for the autoconfig host', async () => {
    web.route('http://autoconfig.example.test/mail/config-v1.1.xml', {
      body: autoconfigXml('example.test', [{ type: 'imap', hostname: 'imap.example.test', port: 143, socketType: 'STARTTLS' }]),
    });
    const result = await find('bob@example.test');
    expect(result.imap[0]).toMatchObject({ source: 'autoconfig', security: 'starttls', foundAt: expect.stringMatching(/^http:\/\/autoconfig\.example\.test\//) });
    expect(web.requests.indexOf('https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=bob%40example.test')).toBeLessThan(
      web.requests.indexOf('http://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=bob%40example.test'),
    );
  });

  it('verifies the certificate of an https autoconfig server (without the test CA it is not believed)', async () => {
    web.route('https://autoconfig.example.test/mail/config-v1.1.xml', {
      body: autoconfigXml('example.test', [{ type: 'imap', hostname: 'evil.example.test', port: 993, socketType: 'SSL' }]),
    });
    const untrusting = createResolvers({ dnsServers: [dns.address], ispdbBaseUrl: 'https://ispdb.test/v1.1', portMap: web.portMap });
    const error = await runAutoconfig('carol@example.test', { resolvers: untrusting, timeouts: fast, settle: 'all' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomingError);
    const failures = (error as HomingError).detail?.failures as Array<{ source: string; message: string }>;
    expect(failures.find((f) => f.source === 'autoconfig')?.message).toMatch(/https:\/\/autoconfig\.example\.test.*(certificate|TLS)/i);
  });

  it('finds the .well-known file on the domain itself', async () => {
    web.route('https://wk.test/.well-known/autoconfig/mail/config-v1.1.xml', {
      body: autoconfigXml('wk.test', [{ type: 'pop3', hostname: 'mail.wk.test', port: 995, socketType: 'SSL' }]),
    });
    const result = await find('dave@wk.test');
    expect(summary(result)).toEqual(['well-known pop3 mail.wk.test:995 tls']);
  });

  it('asks the ISPDB (base URL injected)', async () => {
    web.route('https://ispdb.test/v1.1/bigmail.test', {
      body: autoconfigXml('bigmail.test', [{ type: 'imap', hostname: 'imap.bigmail.test', port: 993, socketType: 'SSL' }]),
    });
    const result = await find('erin@bigmail.test');
    expect(summary(result)).toEqual(['ispdb imap imap.bigmail.test:993 tls']);
    expect(result.imap[0]!.foundAt).toBe('https://ispdb.test/v1.1/bigmail.test');
  });

  it('follows the MX record to the hosting provider’s config', async () => {
    web.route('https://ispdb.test/v1.1/hostingco.test', {
      body: autoconfigXml('hostingco.test', [{ type: 'imap', hostname: 'server42.hostingco.test', port: 993, socketType: 'SSL' }]),
    });
    const result = await find('frank@hosted.test');
    expect(summary(result)).toEqual(['mx imap server42.hostingco.test:993 tls']);
    expect(result.imap[0]!.foundAt).toMatch(/^MX mx1\.hostingco\.test → https:\/\/ispdb\.test\/v1\.1\/hostingco\.test$/);
    // ... and to the provider's own autoconfig host when the ISPDB does not know it.
    web.clearRoutes();
    web.route('https://autoconfig.hostingco.test/mail/config-v1.1.xml', {
      body: autoconfigXml('hostingco.test', [{ type: 'pop3', hostname: 'pop.hostingco.test', port: 995, socketType: 'SSL' }]),
    });
    expect(summary(await find('frank@hosted.test'))).toEqual(['mx pop3 pop.hostingco.test:995 tls']);
  });

  it('does not count an MX host of the domain itself as a provider', async () => {
    const error = await find('gina@selfmx.test').catch((e: unknown) => e as HomingError);
    expect(error).toMatchObject({ code: 'AUTOCONFIG_NOT_FOUND' });
    const failures = (error as HomingError).detail?.failures as Array<{ source: string; message: string }>;
    expect(failures.find((f) => f.source === 'mx')?.message).toMatch(/belongs to selfmx\.test itself/);
  });

  it('reads RFC 6186 SRV records in priority order, skipping a service marked absent with "."', async () => {
    const result = await find('hank@srv.test');
    expect(summary(result)).toEqual(['srv imap imap-a.srv.test:993 tls', 'srv imap imap-b.srv.test:993 tls', 'srv pop3 pop.srv.test:995 tls']);
    expect(dns.queries).toEqual(expect.arrayContaining(['SRV _imaps._tcp.srv.test', 'SRV _imap._tcp.srv.test', 'SRV _pop3s._tcp.srv.test', 'SRV _pop3._tcp.srv.test']));
  });

  it('guesses imap./mail. hosts by probing a real Dovecot (CAPABILITY/CAPA, STARTTLS offered)', async () => {
    const result = await find('ivy@guess.test');
    expect(summary(result)).toEqual([
      'guess imap imap.guess.test:993 tls',
      'guess imap imap.guess.test:143 starttls',
      'guess imap mail.guess.test:993 tls',
      'guess imap mail.guess.test:143 starttls',
      'guess pop3 mail.guess.test:995 tls',
      'guess pop3 mail.guess.test:110 starttls',
    ]);
    expect([...result.imap, ...result.pop3].every((c) => c.probed)).toBe(true);
    // Hosts that do not exist were never connected to: they were looked up and skipped.
    expect(dns.queries).toContain('A pop3.guess.test');
  });

  it('ranks every source that answered for one domain: autoconfig, then SRV, then guesses', async () => {
    web.route('https://autoconfig.all.test/mail/config-v1.1.xml', {
      body: autoconfigXml('all.test', [{ type: 'imap', hostname: 'imap.all.test', port: 993, socketType: 'SSL' }]),
    });
    const result = await find('jack@all.test');
    expect(result.imap.map((c) => `${c.source} ${c.host}:${c.port} ${c.probed}`)).toEqual([
      // The guess confirmed the autoconfig answer: listed once, at its better rank, marked probed.
      'autoconfig imap.all.test:993 true',
      'srv srv-imap.all.test:993 false',
      'guess imap.all.test:143 true',
    ]);
  });

  it('survives malformed XML, HTTP 500 and a server that never answers, and says what failed', async () => {
    web.route('https://autoconfig.broken.test/mail/config-v1.1.xml', { body: '<clientConfig><emailProvider>' });
    web.route('http://autoconfig.broken.test/mail/config-v1.1.xml', { body: '<html><body>Parked domain</body></html>' });
    web.route('https://broken.test/.well-known/autoconfig/mail/config-v1.1.xml', { status: 500, body: 'oops' });
    web.route('http://broken.test/.well-known/autoconfig/mail/config-v1.1.xml', { stall: true });
    web.route('https://ispdb.test/v1.1/broken.test', { stall: true });
    dns.set('_imaps._tcp.broken.test', { SRV: [{ priority: 0, weight: 0, port: 993, target: 'imap.broken.test' }] });
    const result = await find('kim@broken.test', { timeouts: { ...fast, httpMs: 4_000 } });
    expect(summary(result)).toEqual(['srv imap imap.broken.test:993 tls']);
    const failure = (source: string) => result.failures.find((f) => f.source === source)?.message ?? '';
    expect(failure('autoconfig')).toMatch(/https:\/\/autoconfig\.broken\.test\S*: not a valid autoconfig file/);
    expect(failure('autoconfig')).toMatch(/http:\/\/autoconfig\.broken\.test\S*: not a valid autoconfig file: there is no <clientConfig>/);
    expect(failure('well-known')).toMatch(/HTTP 500/);
    expect(failure('well-known')).toMatch(/did not answer in time/);
    expect(failure('ispdb')).toMatch(/did not answer in time/);
  });

  it('answers as soon as the best source has answered, without waiting for slow guesses', async () => {
    web.route('https://autoconfig.early.test/mail/config-v1.1.xml', {
      body: autoconfigXml('early.test', [{ type: 'imap', hostname: 'imap.early.test', port: 9993, socketType: 'SSL' }]),
    });
    // The guesses for early.test go to a server that never greets; with this greeting timeout they could
    // not finish within the test's own timeout, so an answer proves the run did not wait for them.
    const early = createResolvers({
      dnsServers: [dns.address], ca: [web.ca.pem], ispdbBaseUrl: 'https://ispdb.test/v1.1',
      portMap: { ...web.portMap, 993: (silent.address() as { port: number }).port, 143: (silent.address() as { port: number }).port, 995: 1, 110: 1 },
    });
    const result = await runAutoconfig('lee@early.test', { resolvers: early, timeouts: { ...fast, greetingMs: 600_000, probeMs: 600_000, deadlineMs: 600_000 } });
    expect(summary(result)).toEqual(['autoconfig imap imap.early.test:9993 tls']);
    expect(result.failures.map((f) => f.source)).not.toContain('guess');
  });

  it('says AUTOCONFIG_NOT_FOUND, with every failed lookup, when nothing is found', async () => {
    const error = await find('nobody@nowhere.test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomingError);
    expect((error as HomingError).code).toBe('AUTOCONFIG_NOT_FOUND');
    expect((error as HomingError).message).toContain('nobody@nowhere.test');
    const failures = (error as HomingError).detail?.failures as Array<{ source: string }>;
    expect(failures.map((f) => f.source).sort()).toEqual(['autoconfig', 'guess', 'ispdb', 'mx', 'srv', 'well-known']);
  });
});

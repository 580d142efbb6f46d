import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolvers, resolverOptionsFromEnv } from '../../../../electron/accounts/resolvers';
import { type AutoconfigHttp, startAutoconfigHttp } from '../../../servers/autoconfig-http';
import { type DnsServer, startDnsServer } from '../../../servers/dns-server';

describe('resolvers: DNS and HTTP on loopback only', () => {
  let dns: DnsServer;
  let web: AutoconfigHttp;
  let big: Server;
  let bigPort = 0;

  beforeAll(async () => {
    dns = await startDnsServer({ 'site.test': { A: ['127.0.0.1'] }, 'v6only.test': { AAAA: ['::1'] } });
    dns.silent.add('silent.test');
    dns.failing.add('servfail.test');
    web = await startAutoconfigHttp({ names: ['site.test'] });
    big = createServer((_req, res) => res.end('x'.repeat(300 * 1024)));
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    bigPort = (big.address() as { port: number }).port;
  });
  afterAll(async () => {
    big?.close();
    await web?.close();
    await dns?.close();
  });

  const resolvers = () => createResolvers({ dnsServers: [dns.address], ca: [web.ca.pem], portMap: web.portMap, dnsTimeoutMs: 600 });

  it('resolves names only through the given DNS server, with loopback and IP literals answered locally', async () => {
    const r = resolvers();
    expect(await r.dns.lookupHost('site.test')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await r.dns.lookupHost('v6only.test')).toEqual([{ address: '::1', family: 6 }]);
    expect(await r.dns.lookupHost('localhost')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await r.dns.lookupHost('[::1]')).toEqual([{ address: '::1', family: 6 }]);
    const before = dns.queries.length;
    await r.dns.lookupHost('192.0.2.7');
    expect(dns.queries.length).toBe(before);
  });

  it('reports a missing name as ENOTFOUND and a failing name service as EAI_AGAIN (never as a refused port)', async () => {
    const r = resolvers();
    await expect(r.dns.lookupHost('missing.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(r.dns.lookupHost('servfail.test')).rejects.toMatchObject({ code: 'EAI_AGAIN' });
    await expect(r.dns.lookupHost('silent.test')).rejects.toMatchObject({ code: 'EAI_AGAIN' });
    const refused = createResolvers({ dnsServers: ['127.0.0.1:1'], dnsTimeoutMs: 600 });
    await expect(refused.dns.lookupHost('site.test')).rejects.toMatchObject({ code: 'EAI_AGAIN' });
  });

  it('fetches over https with the extra authority, and follows a redirect', async () => {
    web.route('https://site.test/a', { redirect: '/b' });
    web.route('https://site.test/b', { body: 'hello' });
    expect(await resolvers().httpGet('https://site.test/a')).toEqual({ status: 200, body: 'hello', url: 'https://site.test/b' });
  });

  it('refuses a redirect from https to http, and endless redirects', async () => {
    web.route('https://site.test/down', { redirect: 'http://site.test/plain' });
    await expect(resolvers().httpGet('https://site.test/down')).rejects.toMatchObject({ code: 'PROTOCOL_ERROR', message: expect.stringMatching(/unencrypted/) });
    web.route('https://site.test/loop', { redirect: '/loop' });
    await expect(resolvers().httpGet('https://site.test/loop')).rejects.toMatchObject({ code: 'PROTOCOL_ERROR', message: expect.stringMatching(/too many/) });
  });

  it('gives up on a server that never answers, and on an answer too large to be a config file', async () => {
    web.route('https://site.test/stall', { stall: true });
    await expect(resolvers().httpGet('https://site.test/stall', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const r = createResolvers({ dnsServers: [dns.address], portMap: { 80: bigPort } });
    await expect(r.httpGet('http://site.test/big')).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });

  it('does not believe an https server whose certificate it cannot verify', async () => {
    web.route('https://site.test/ok', { body: 'hello' });
    const untrusting = createResolvers({ dnsServers: [dns.address], portMap: web.portMap });
    await expect(untrusting.httpGet('https://site.test/ok')).rejects.toMatchObject({ code: 'TLS_CERT_UNTRUSTED' });
  });

  it('reads its overrides from the environment', () => {
    expect(resolverOptionsFromEnv({ HOMING_DNS_SERVERS: '127.0.0.1:5353, 127.0.0.2', HOMING_ISPDB_URL: 'http://127.0.0.1:9/v1.1' })).toEqual({
      dnsServers: ['127.0.0.1:5353', '127.0.0.2'],
      ispdbBaseUrl: 'http://127.0.0.1:9/v1.1',
    });
    expect(resolverOptionsFromEnv({})).toEqual({});
    expect(createResolvers().network).toEqual({});
  });
});

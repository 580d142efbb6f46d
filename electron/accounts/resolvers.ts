import { promises as dnsPromises, type MxRecord, type SrvRecord } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { HomingError } from '../../shared/errors';
import { mapNetworkError } from '../net/network-errors';
import type { NetworkOverrides } from '../net/tls-trust';
import { accountLimits } from './limits';

export interface HostAddress {
  address: string;
  family: 4 | 6;
}

/** The DNS questions account setup asks. */
export interface DnsLookups {
  /** MX records of a domain, lowest preference first. */
  resolveMx(domain: string): Promise<MxRecord[]>;
  /** SRV records of a name such as `_imaps._tcp.example.org` (RFC 6186). */
  resolveSrv(name: string): Promise<SrvRecord[]>;
  /** A host's addresses; IP literals come back as they are. Fails with code ENOTFOUND or EAI_AGAIN. */
  lookupHost(host: string): Promise<HostAddress[]>;
}

export interface HttpResult {
  status: number;
  body: string;
  /** The URL that answered (after redirects). */
  url: string;
}

export interface HttpGetOptions {
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export type HttpGet = (url: string, options?: HttpGetOptions) => Promise<HttpResult>;

/**
 * How account setup reaches the network: DNS, HTTP, and the overrides every mail connection gets. The
 * app and the CLI use the system's; tests point everything at loopback servers (a DNS server answering
 * test names with 127.0.0.1, HTTP servers on free ports, a test CA) so no query ever leaves the machine.
 */
export interface Resolvers {
  readonly dns: DnsLookups;
  readonly httpGet: HttpGet;
  /** Thunderbird's ISPDB; `<base>/<domain>` is one provider's config file. */
  readonly ispdbBaseUrl: string;
  /** Passed to every mail connection (name lookup, extra authorities). Empty in production. */
  readonly network: NetworkOverrides;
  /** The port that really serves a standard port (identity, except on a test network). */
  mapPort(port: number): number;
}

export interface ResolverOptions {
  /** DNS servers to ask instead of the system's (`127.0.0.1:5353`); names are then resolved only through them. */
  dnsServers?: string[];
  /** Extra certificate authorities (PEM) for HTTPS and mail connections. */
  ca?: string[];
  ispdbBaseUrl?: string;
  /** Test networks only: standard port → the loopback port that serves it (443 → 38443, 993 → 39993). */
  portMap?: Record<number, number>;
  dnsTimeoutMs?: number;
}

export const ISPDB_BASE_URL = 'https://autoconfig.thunderbird.net/v1.1';

export function createResolvers(options: ResolverOptions = {}): Resolvers {
  const timeout = options.dnsTimeoutMs ?? accountLimits.dnsTimeoutMs;
  const custom = options.dnsServers && options.dnsServers.length > 0;
  // c-ares (dns.Resolver) for MX/SRV: getaddrinfo cannot ask for those. `tries: 2` rides out one lost UDP packet.
  const resolver = new dnsPromises.Resolver({ timeout: Math.max(1, Math.floor(timeout / 2)), tries: 2 });
  if (custom) resolver.setServers(options.dnsServers!);

  const lookupHost = async (host: string): Promise<HostAddress[]> => {
    const name = host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
    const family = isIP(name);
    if (family !== 0) return [{ address: name, family: family as 4 | 6 }];
    // RFC 6761 section 6.3: localhost is always the loopback address, whatever a DNS server says.
    if (name === 'localhost' || name.endsWith('.localhost')) return [{ address: '127.0.0.1', family: 4 }];
    if (!custom) {
      try {
        return (await dnsPromises.lookup(name, { all: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
      } catch (error) {
        throw lookupError(name, error);
      }
    }
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    const found: HostAddress[] = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
    ];
    if (found.length > 0) return found;
    throw lookupError(name, v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : null);
  };

  const lookup: LookupFunction | undefined = custom ? toLookupFunction(lookupHost) : undefined;
  const network: NetworkOverrides = {
    ...(lookup ? { lookup } : {}),
    ...(options.ca && options.ca.length > 0 ? { ca: options.ca } : {}),
  };
  const portMap = options.portMap ?? {};
  const mapPort = (port: number) => portMap[port] ?? port;

  return {
    dns: {
      async resolveMx(domain) {
        return (await resolver.resolveMx(domain)).sort((a, b) => a.priority - b.priority);
      },
      resolveSrv: (name) => resolver.resolveSrv(name),
      lookupHost,
    },
    httpGet: createHttpGet({ lookup, ca: options.ca ?? [], mapPort }),
    ispdbBaseUrl: (options.ispdbBaseUrl ?? ISPDB_BASE_URL).replace(/\/+$/, ''),
    network,
    mapPort,
  };
}

/**
 * Resolver options from the environment, for the CLI and the app alike: `HOMING_DNS_SERVERS` (comma-separated,
 * `ip` or `ip:port`) makes account setup ask those DNS servers only, for split-horizon networks and for tests
 * that run the built CLI against a loopback DNS server; `HOMING_ISPDB_URL` replaces Thunderbird's ISPDB.
 * Extra authorities come from Node's own `NODE_EXTRA_CA_CERTS`.
 */
export function resolverOptionsFromEnv(env: NodeJS.ProcessEnv): ResolverOptions {
  const servers = (env.HOMING_DNS_SERVERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    ...(servers.length > 0 ? { dnsServers: servers } : {}),
    ...(env.HOMING_ISPDB_URL ? { ispdbBaseUrl: env.HOMING_ISPDB_URL } : {}),
  };
}

/**
 * DNS failures as the errors a socket reports for a failed lookup: ENOTFOUND when the name does not exist
 * (or has no address), EAI_AGAIN when the name service failed. c-ares's own ETIMEOUT and ECONNREFUSED
 * would otherwise read as a server that timed out or refused, which is a different problem.
 */
function lookupError(host: string, error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  const missing = code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NONAME' || code === 'EAI_NODATA' || code == null;
  return Object.assign(new Error(`${missing ? 'no such host' : 'lookup failed'}: ${host}`), {
    code: missing ? 'ENOTFOUND' : 'EAI_AGAIN',
    hostname: host,
  });
}

/** `lookupHost` in the callback form `net.connect({lookup})` calls (with `all: true` since Node 20's happy eyeballs). */
export function toLookupFunction(lookupHost: (host: string) => Promise<HostAddress[]>): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number | string } | ((...args: unknown[]) => void), callback?: (...args: unknown[]) => void) => {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const opts = typeof options === 'function' ? {} : options;
    lookupHost(hostname).then(
      (addresses) => {
        const wanted = opts.family === 4 || opts.family === 'IPv4' ? 4 : opts.family === 6 || opts.family === 'IPv6' ? 6 : 0;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (usable.length === 0) cb(Object.assign(new Error(`no address: ${hostname}`), { code: 'ENOTFOUND', hostname }));
        else if (opts.all) cb(null, usable);
        else cb(null, usable[0]!.address, usable[0]!.family);
      },
      (error: unknown) => cb(error),
    );
  }) as LookupFunction;
}

/**
 * GET with a deadline, a size limit and redirects, on node:http(s) rather than fetch: it takes the same
 * `lookup` and certificate authorities as the mail connections, so tests reach loopback servers only.
 * Certificates are verified normally (an autoconfig file from an unverified server would tell us where to
 * send the password). A redirect from https to http is refused for the same reason.
 */
function createHttpGet(env: { lookup: LookupFunction | undefined; ca: string[]; mapPort(port: number): number }): HttpGet {
  const ca = env.ca.length > 0 ? [...rootCertificates, ...env.ca] : undefined;
  const getOnce = (url: URL, options: Required<Pick<HttpGetOptions, 'timeoutMs' | 'maxBytes'>> & { signal?: AbortSignal }) =>
    new Promise<{ status: number; location: string | null; body: string }>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const port = env.mapPort(Number(url.port) || (secure ? 443 : 80));
      const where = { host: url.hostname, port };
      const req = (secure ? httpsRequest : httpRequest)({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { host: url.host, accept: 'application/xml, text/xml;q=0.9, */*;q=0.1', 'user-agent': 'Homing (account setup)' },
        agent: false,
        ...(env.lookup ? { lookup: env.lookup } : {}),
        ...(secure && ca ? { ca } : {}),
        ...(secure && isIP(url.hostname) === 0 ? { servername: url.hostname } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const timer = setTimeout(() => {
        req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
      }, options.timeoutMs);
      const fail = (error: unknown) => {
        clearTimeout(timer);
        if (options.signal?.aborted) reject(new HomingError('CANCELLED', 'The lookup was no longer needed.'));
        else reject(certificateError(error, url) ?? mapNetworkError(error, where, { security: secure ? 'tls' : 'none' }));
      };
      req.once('error', fail);
      req.once('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          clearTimeout(timer);
          resolve({ status, location: res.headers.location ?? null, body: '' });
          return;
        }
        res.setEncoding('utf8');
        let body = '';
        let size = 0;
        res.on('data', (text: string) => {
          size += Buffer.byteLength(text);
          if (size > options.maxBytes) {
            req.destroy();
            clearTimeout(timer);
            reject(new HomingError('RESPONSE_TOO_LARGE', `${url.origin} sent more than ${options.maxBytes} bytes.`, { url: url.href }));
            return;
          }
          body += text;
        });
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ status, location: null, body });
        });
        res.once('error', fail);
      });
      req.end();
    });

  return async (href, options = {}) => {
    const limits = {
      timeoutMs: options.timeoutMs ?? accountLimits.httpTimeoutMs,
      maxBytes: options.maxBytes ?? accountLimits.httpMaxBytes,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    let url = new URL(href);
    for (let redirects = 0; ; redirects++) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new HomingError('INVALID_ARGUMENT', `Only http and https URLs can be fetched (${url.protocol}).`);
      }
      const answer = await getOnce(url, limits);
      if (answer.location === null) return { status: answer.status, body: answer.body, url: url.href };
      if (redirects >= accountLimits.httpMaxRedirects) {
        throw new HomingError('PROTOCOL_ERROR', `${url.origin} redirected too many times.`, { url: url.href });
      }
      const next = new URL(answer.location, url);
      if (url.protocol === 'https:' && next.protocol !== 'https:') {
        throw new HomingError('PROTOCOL_ERROR', `${url.origin} redirected to an unencrypted address (${next.origin}); not followed.`, { url: url.href });
      }
      url = next;
    }
  };
}

/**
 * An https server whose certificate Node's standard verification refused. Nothing was sent; the file is
 * not believed (there is no "trust this certificate" for a file that tells us where to send a password).
 */
function certificateError(error: unknown, url: URL): HomingError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const expired = code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
  const hostname = code === 'ERR_TLS_CERT_ALTNAME_INVALID';
  const untrusted = /SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|INVALID_CA|CERT_REVOKED/.test(code);
  if (!expired && !hostname && !untrusted) return null;
  const what = expired ? 'has an expired certificate' : hostname ? 'has a certificate for another name' : 'has a certificate this computer does not trust';
  return new HomingError(expired ? 'TLS_CERT_EXPIRED' : hostname ? 'TLS_CERT_HOSTNAME' : 'TLS_CERT_UNTRUSTED', `${url.origin} ${what} (${code}); its file was not read.`, {
    url: url.href,
    reason: code,
  });
}

import type { Protocol, Security, ServerCandidate } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { probeServer } from '../probe/probe';
import type { AutoconfigSource, SourceContext } from './source';

/**
 * The last resort, as Thunderbird does it: the usual host names on the usual ports, each confirmed by
 * connecting and reading the greeting and capabilities (never logging in). Hosts that do not resolve are
 * skipped before any connection is made.
 */
const PLAN: Array<{ protocol: Protocol; prefixes: string[]; tlsPort: number; plainPort: number }> = [
  { protocol: 'imap', prefixes: ['imap', 'mail'], tlsPort: 993, plainPort: 143 },
  { protocol: 'pop3', prefixes: ['pop3', 'pop', 'mail'], tlsPort: 995, plainPort: 110 },
];

const CERTIFICATE_CODES = new Set(['TLS_CERT_HOSTNAME', 'TLS_CERT_UNTRUSTED', 'TLS_CERT_EXPIRED']);

export const guessSource: AutoconfigSource = {
  name: 'guess',
  async run(ctx) {
    const { domain } = ctx.address;
    const hosts = [...new Set(PLAN.flatMap((p) => p.prefixes.map((prefix) => `${prefix}.${domain}`)))];
    const resolved = await Promise.all(hosts.map(async (host) => ((await ctx.resolvers.dns.lookupHost(host).then(() => true, () => false)) ? host : null)));
    const existing = new Set(resolved.filter((h): h is string => h !== null));
    if (existing.size === 0) throw new HomingError('AUTOCONFIG_NOT_FOUND', `none of ${hosts.join(', ')} exists.`);

    const attempts: Array<{ protocol: Protocol; host: string; port: number; tls: boolean }> = [];
    for (const plan of PLAN) {
      for (const prefix of plan.prefixes) {
        const host = `${prefix}.${domain}`;
        if (!existing.has(host)) continue;
        attempts.push({ protocol: plan.protocol, host, port: plan.tlsPort, tls: true }, { protocol: plan.protocol, host, port: plan.plainPort, tls: false });
      }
    }
    const outcomes = await Promise.all(attempts.map((a) => probeGuess(ctx, a.protocol, a.host, a.port, a.tls)));
    const candidates = outcomes.filter((c): c is ServerCandidate => c !== null);
    if (candidates.length === 0) throw new HomingError('AUTOCONFIG_NOT_FOUND', `no mail server answered on ${[...existing].join(', ')}.`);
    return candidates;
  },
};

async function probeGuess(ctx: SourceContext, protocol: Protocol, host: string, port: number, tls: boolean): Promise<ServerCandidate | null> {
  const base = {
    protocol,
    host,
    port,
    connectPort: ctx.resolvers.mapPort(port),
    network: ctx.resolvers.network,
    signal: ctx.signal,
    timeouts: { connectMs: ctx.timeouts.probeMs, tlsMs: ctx.timeouts.probeMs, greetingMs: ctx.timeouts.greetingMs, replyMs: ctx.timeouts.probeMs },
  };
  const candidate = (security: Security): ServerCandidate => ({
    protocol,
    host,
    port,
    security,
    username: ctx.address.email,
    usernameForm: '%EMAILADDRESS%',
    source: 'guess',
    probed: true,
    foundAt: `${host}:${port}`,
  });
  try {
    if (tls) {
      try {
        await probeServer({ ...base, security: 'tls', trustedFingerprint: null });
      } catch (error) {
        // A certificate we would not trust yet is still a server: read its greeting with that exact
        // certificate pinned for this one probe (nothing secret is sent). The connection test explains
        // the certificate later.
        const fingerprint = certificateOf(error);
        if (!fingerprint) throw error;
        await probeServer({ ...base, security: 'tls', trustedFingerprint: fingerprint });
      }
      return candidate('tls');
    }
    const plain = await probeServer({ ...base, security: 'none', trustedFingerprint: null });
    return candidate(plain.offersStartTls ? 'starttls' : 'none');
  } catch {
    return null;
  }
}

function certificateOf(error: unknown): string | null {
  if (!(error instanceof HomingError) || !CERTIFICATE_CODES.has(error.code)) return null;
  const certificate = error.detail?.certificate as { fingerprint256?: unknown } | undefined;
  return typeof certificate?.fingerprint256 === 'string' ? certificate.fingerprint256 : null;
}

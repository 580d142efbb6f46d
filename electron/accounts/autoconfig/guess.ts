import type { Security } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { probeServer } from '../probe/probe';
import type { AutoconfigSource, FoundCandidate, SourceContext } from './source';

type Protocol = FoundCandidate['protocol'];

/**
 * The last resort, as Thunderbird does it: the usual host names on the usual ports, each confirmed by
 * connecting and reading the greeting and capabilities (never logging in). Hosts that do not resolve are
 * skipped before any connection is made.
 */
const PLAN: Array<{ protocol: Protocol; prefixes: string[]; tlsPort: number; plainPort: number }> = [
  { protocol: 'imap', prefixes: ['imap', 'mail'], tlsPort: 993, plainPort: 143 },
  { protocol: 'pop3', prefixes: ['pop3', 'pop', 'mail'], tlsPort: 995, plainPort: 110 },
  // Submission: implicit TLS on 465 first (RFC 8314), STARTTLS on 587.
  { protocol: 'smtp', prefixes: ['smtp', 'mail'], tlsPort: 465, plainPort: 587 },
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
    const candidates = outcomes.filter((c): c is FoundCandidate => c !== null);
    if (!candidates.some((c) => c.protocol !== 'smtp')) throw new HomingError('AUTOCONFIG_NOT_FOUND', `no mail server answered on ${[...existing].join(', ')}.`);
    return candidates;
  },
};

/**
 * The outgoing server when no source named one: the usual submission ports on the hosts that serve the
 * incoming mail (hosting providers use one name for all), then smtp.<domain>. Probed, never logged in.
 */
export async function guessOutgoing(ctx: SourceContext, incomingHosts: string[]): Promise<FoundCandidate[]> {
  const hosts = [...new Set([...incomingHosts, `smtp.${ctx.address.domain}`, `mail.${ctx.address.domain}`])];
  const attempts = hosts.flatMap((host) => [
    { host, port: 465, tls: true },
    { host, port: 587, tls: false },
  ]);
  const outcomes = await Promise.all(attempts.map((a) => probeGuess(ctx, 'smtp', a.host, a.port, a.tls)));
  return outcomes.filter((c): c is FoundCandidate => c !== null);
}

async function probeGuess(ctx: SourceContext, protocol: Protocol, host: string, port: number, tls: boolean): Promise<FoundCandidate | null> {
  const base = {
    protocol,
    host,
    port,
    connectPort: ctx.resolvers.mapPort(port),
    network: ctx.resolvers.network,
    signal: ctx.signal,
    timeouts: { connectMs: ctx.timeouts.probeMs, tlsMs: ctx.timeouts.probeMs, greetingMs: ctx.timeouts.greetingMs, replyMs: ctx.timeouts.probeMs },
  };
  const candidate = (security: Security): FoundCandidate => ({
    protocol,
    host,
    port,
    security,
    username: ctx.address.email,
    usernameForm: '%EMAILADDRESS%',
    source: 'guess',
    probed: true,
    foundAt: `${host}:${port}`,
  }) as FoundCandidate;
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

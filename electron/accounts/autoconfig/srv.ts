import type { SrvRecord } from 'node:dns';
import type { Security } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { isHostName } from './autoconfig-xml';
import type { AutoconfigSource, FoundCandidate } from './source';

/**
 * RFC 6186 service records. Section 3.4 says a client prefers implicit TLS (`_imaps`, `_pop3s`) over
 * STARTTLS, and IMAP over POP3 (the latter is the settings dialog's choice, not ours: both are listed).
 * `_imap`/`_pop3` are taken as STARTTLS: we never offer to send a password unencrypted from a DNS answer.
 * Outgoing: `_submissions._tcp` (implicit TLS, RFC 8314 section 5.1) before `_submission._tcp` (RFC 6186
 * section 3.1, STARTTLS).
 */
const SERVICES: Array<{ label: string; protocol: FoundCandidate['protocol']; security: Security }> = [
  { label: '_imaps._tcp', protocol: 'imap', security: 'tls' },
  { label: '_imap._tcp', protocol: 'imap', security: 'starttls' },
  { label: '_pop3s._tcp', protocol: 'pop3', security: 'tls' },
  { label: '_pop3._tcp', protocol: 'pop3', security: 'starttls' },
  { label: '_submissions._tcp', protocol: 'smtp', security: 'tls' },
  { label: '_submission._tcp', protocol: 'smtp', security: 'starttls' },
];

export const srvSource: AutoconfigSource = {
  name: 'srv',
  async run(ctx) {
    const { domain, email } = ctx.address;
    const answers = await Promise.allSettled(SERVICES.map((s) => ctx.resolvers.dns.resolveSrv(`${s.label}.${domain}`)));
    const candidates: FoundCandidate[] = [];
    const problems: string[] = [];
    answers.forEach((answer, i) => {
      const service = SERVICES[i]!;
      const name = `${service.label}.${domain}`;
      if (answer.status === 'rejected') {
        problems.push(`${name}: ${(answer.reason as { code?: string }).code ?? 'lookup failed'}`);
        return;
      }
      for (const record of orderSrv(answer.value)) {
        const host = record.name.toLowerCase().replace(/\.$/, '');
        // RFC 2782: a target of "." means the service is decidedly not available at this domain.
        if (host === '' || host === '.' || !isHostName(host) || record.port === 0) continue;
        candidates.push({
          protocol: service.protocol,
          host,
          port: record.port,
          security: service.security,
          // RFC 6186 section 4: the address itself is the first user name to try.
          username: email,
          usernameForm: '%EMAILADDRESS%',
          source: 'srv',
          probed: false,
          foundAt: `SRV ${name}`,
        } as FoundCandidate);
      }
    });
    if (!candidates.some((c) => c.protocol !== 'smtp')) throw new HomingError('AUTOCONFIG_NOT_FOUND', problems.join('; ') || `no usable SRV records for ${domain}`);
    return candidates;
  },
};

/** RFC 2782 order: lowest priority first; within a priority, heavier weight first (deterministic, no lottery). */
export function orderSrv(records: SrvRecord[]): SrvRecord[] {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

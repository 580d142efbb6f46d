import { type CandidateSource, candidateSources, type OutgoingCandidate, type ServerCandidate } from '../../../shared/contract/accounts';
import { accountLimits } from '../limits';
import type { FoundCandidate } from './source';

const SOURCE_RANK = new Map<CandidateSource, number>(candidateSources.map((source, i) => [source, i]));

/**
 * One ranked list per protocol from every source's findings. The order is Thunderbird's: the provider's
 * own file, then the ISPDB, the MX provider, SRV records, and guesses last; within a source, its own
 * order (a config file lists the provider's preference first). Two rules come before the source:
 * a setting without encryption goes after every encrypted one, and a duplicate (same protocol, host,
 * port, security) is listed once, where it ranks best, marked probed if any source probed it.
 */
export function rankCandidates(found: FoundCandidate[]): { imap: ServerCandidate[]; pop3: ServerCandidate[]; smtp: OutgoingCandidate[] } {
  const unique = new Map<string, { candidate: FoundCandidate; order: number }>();
  found.forEach((candidate, order) => {
    const key = `${candidate.protocol}|${candidate.host.toLowerCase()}|${candidate.port}|${candidate.security}`;
    const seen = unique.get(key);
    if (!seen) {
      unique.set(key, { candidate: { ...candidate }, order });
      return;
    }
    const better = rankOf(candidate) < rankOf(seen.candidate);
    const probed = seen.candidate.probed || candidate.probed;
    if (better) unique.set(key, { candidate: { ...candidate, probed }, order });
    else seen.candidate.probed = probed;
  });
  const entries = [...unique.values()];
  const sorted = [...entries]
    .sort((a, b) => plaintextRank(a.candidate) - plaintextRank(b.candidate) || rankOf(a.candidate) - rankOf(b.candidate) || a.order - b.order)
    .map((entry) => entry.candidate);
  // Outgoing: implicit TLS before STARTTLS whatever the source (RFC 8314 section 5.1), then as above.
  const outgoing = entries
    .filter((entry) => entry.candidate.protocol === 'smtp')
    .sort((a, b) => securityRank(a.candidate) - securityRank(b.candidate) || rankOf(a.candidate) - rankOf(b.candidate) || a.order - b.order)
    .map(({ candidate }) => {
      const { protocol: _smtp, ...rest } = candidate;
      return rest as OutgoingCandidate;
    });
  return {
    imap: sorted.filter((c): c is ServerCandidate => c.protocol === 'imap').slice(0, accountLimits.maxCandidates),
    pop3: sorted.filter((c): c is ServerCandidate => c.protocol === 'pop3').slice(0, accountLimits.maxCandidates),
    smtp: outgoing.slice(0, accountLimits.maxCandidates),
  };
}

const rankOf = (candidate: FoundCandidate) => SOURCE_RANK.get(candidate.source) ?? candidateSources.length;
const plaintextRank = (candidate: FoundCandidate) => (candidate.security === 'none' ? 1 : 0);
const securityRank = (candidate: FoundCandidate) => ({ tls: 0, starttls: 1, none: 2 })[candidate.security];

import { type CandidateSource, candidateSources, type ServerCandidate } from '../../../shared/contract/accounts';
import { accountLimits } from '../limits';

const SOURCE_RANK = new Map<CandidateSource, number>(candidateSources.map((source, i) => [source, i]));

/**
 * One ranked list per protocol from every source's findings. The order is Thunderbird's: the provider's
 * own file, then the ISPDB, the MX provider, SRV records, and guesses last; within a source, its own
 * order (a config file lists the provider's preference first). Two rules come before the source:
 * a setting without encryption goes after every encrypted one, and a duplicate (same protocol, host,
 * port, security) is listed once, where it ranks best, marked probed if any source probed it.
 */
export function rankCandidates(found: ServerCandidate[]): { imap: ServerCandidate[]; pop3: ServerCandidate[] } {
  const unique = new Map<string, { candidate: ServerCandidate; order: number }>();
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
  const sorted = [...unique.values()]
    .sort((a, b) => plaintextRank(a.candidate) - plaintextRank(b.candidate) || rankOf(a.candidate) - rankOf(b.candidate) || a.order - b.order)
    .map((entry) => entry.candidate);
  return {
    imap: sorted.filter((c) => c.protocol === 'imap').slice(0, accountLimits.maxCandidates),
    pop3: sorted.filter((c) => c.protocol === 'pop3').slice(0, accountLimits.maxCandidates),
  };
}

const rankOf = (candidate: ServerCandidate) => SOURCE_RANK.get(candidate.source) ?? candidateSources.length;
const plaintextRank = (candidate: ServerCandidate) => (candidate.security === 'none' ? 1 : 0);

import type { AutoconfigSource, FoundCandidate, SourceContext } from './source';
import { fetchConfigFile } from './fetch-config';
import type { CandidateSource } from '../../../shared/contract/accounts';

/**
 * Thunderbird's ISPDB (`https://autoconfig.thunderbird.net/v1.1/<domain>`): config files for the big
 * providers, keyed by the address's domain. The base URL comes from the resolvers so tests use loopback.
 * Only https: the database is a third party telling us where to send a password.
 */
export function fetchIspdb(ctx: SourceContext, domain: string, source: CandidateSource): Promise<FoundCandidate[]> {
  return fetchConfigFile(ctx, source, [`${ctx.resolvers.ispdbBaseUrl}/${encodeURIComponent(domain)}`]);
}

export const ispdbSource: AutoconfigSource = {
  name: 'ispdb',
  run: (ctx) => fetchIspdb(ctx, ctx.address.domain, 'ispdb'),
};

import type { CandidateSource } from '../../../shared/contract/accounts';
import { HomingError, toErrorData } from '../../../shared/errors';
import { parseAutoconfigXml } from './autoconfig-xml';
import type { FoundCandidate, SourceContext } from './source';

/**
 * Fetches config files from `urls` in order (https before http, as Thunderbird does) and returns the
 * servers of the first one that is a usable config file. Every URL that failed is named in the error.
 */
export async function fetchConfigFile(ctx: SourceContext, source: CandidateSource, urls: string[]): Promise<FoundCandidate[]> {
  const problems: string[] = [];
  for (const url of urls) {
    if (ctx.signal.aborted) break;
    try {
      const answer = await ctx.resolvers.httpGet(url, { timeoutMs: ctx.timeouts.httpMs, signal: ctx.signal });
      if (answer.status !== 200) {
        problems.push(`${url}: HTTP ${answer.status}`);
        continue;
      }
      const servers = parseAutoconfigXml(answer.body, ctx.address);
      if (!servers.some((server) => server.protocol !== 'smtp')) {
        problems.push(`${url}: no IMAP or POP3 server that takes a password`);
        continue;
      }
      return servers.map((server): FoundCandidate => ({ ...server, source, probed: false, foundAt: answer.url }) as FoundCandidate);
    } catch (error) {
      problems.push(`${url}: ${toErrorData(error).message}`);
    }
  }
  throw new HomingError('AUTOCONFIG_NOT_FOUND', problems.join('; ') || 'not tried', { urls });
}

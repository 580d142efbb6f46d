import { HomingError, toErrorData } from '../../../shared/errors';
import { fetchConfigFile } from './fetch-config';
import { fetchIspdb } from './ispdb';
import { baseDomain } from './mail-address';
import type { AutoconfigSource } from './source';

/**
 * The domain that receives the mail: hosted domains point MX at their provider (`mx1.hostingco.net`), and
 * the provider's config (ISPDB, then its own autoconfig host) usually fits every domain it hosts. This is
 * how Thunderbird finds settings for the thousands of small domains no database lists.
 */
export const mxSource: AutoconfigSource = {
  name: 'mx',
  async run(ctx) {
    const { domain } = ctx.address;
    let exchange: string;
    try {
      const records = await ctx.resolvers.dns.resolveMx(domain);
      const first = records.find((r) => r.exchange && r.exchange !== '.');
      if (!first) throw new HomingError('AUTOCONFIG_NOT_FOUND', `${domain} has no MX record.`);
      exchange = first.exchange.toLowerCase().replace(/\.$/, '');
    } catch (error) {
      if (error instanceof HomingError) throw error;
      throw new HomingError('AUTOCONFIG_NOT_FOUND', `MX lookup for ${domain}: ${(error as { code?: string }).code ?? 'failed'}`);
    }
    const provider = baseDomain(exchange);
    if (provider === baseDomain(domain)) {
      // Mail is received by the domain itself: the other sources already asked everything there is to ask.
      throw new HomingError('AUTOCONFIG_NOT_FOUND', `the MX host ${exchange} belongs to ${domain} itself.`);
    }
    // https only: this file comes from a third party (the provider, not the user's own domain), and it
    // says where the password goes, so an unverified answer is not good enough.
    const tries = [
      () => fetchIspdb(ctx, provider, 'mx'),
      () => fetchConfigFile(ctx, 'mx', [`https://autoconfig.${provider}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(ctx.address.email)}`]),
    ];
    const problems: string[] = [];
    for (const attempt of tries) {
      try {
        return (await attempt()).map((c) => ({ ...c, foundAt: `MX ${exchange} → ${c.foundAt ?? provider}` }));
      } catch (error) {
        problems.push(toErrorData(error).message);
      }
    }
    throw new HomingError('AUTOCONFIG_NOT_FOUND', `MX ${exchange} (provider ${provider}): ${problems.join('; ')}`);
  },
};

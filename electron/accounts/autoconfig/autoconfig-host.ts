import type { AutoconfigSource } from './source';
import { fetchConfigFile } from './fetch-config';

/** The provider's own config host: `autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=…` (https, then http). */
export const autoconfigHostSource: AutoconfigSource = {
  name: 'autoconfig',
  run(ctx) {
    const { domain, email } = ctx.address;
    const path = `autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`;
    return fetchConfigFile(ctx, 'autoconfig', [`https://${path}`, `http://${path}`]);
  },
};

import type { AutoconfigSource } from './source';
import { fetchConfigFile } from './fetch-config';

/** The provider's web site: `<domain>/.well-known/autoconfig/mail/config-v1.1.xml` (https, then http). */
export const wellKnownSource: AutoconfigSource = {
  name: 'well-known',
  run(ctx) {
    const { domain, email } = ctx.address;
    const path = `${domain}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`;
    return fetchConfigFile(ctx, 'well-known', [`https://${path}`, `http://${path}`]);
  },
};

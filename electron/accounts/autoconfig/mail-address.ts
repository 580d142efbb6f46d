import { domainToASCII } from 'node:url';
import { HomingError } from '../../../shared/errors';

/** An address split the way autoconfig needs it; the domain in ASCII (IDNA), lowercase. */
export interface MailAddress {
  email: string;
  local: string;
  domain: string;
}

export function parseMailAddress(input: string): MailAddress {
  const email = input.trim();
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : '';
  // Punycode for internationalised domains (RFC 5891): DNS and URLs need the ASCII form.
  const domain = at > 0 ? domainToASCII(email.slice(at + 1).replace(/\.$/, '')).toLowerCase() : '';
  // A single-label domain is a whole address too (alice@localhost, an intranet's bob@mailhost).
  if (!local || !domain || domain.split('.').some((label) => label === '') || /[\s<>()\\,;:"]/.test(local)) {
    throw new HomingError('INVALID_ARGUMENT', `${email || 'That'} does not look like an email address (name@example.org).`);
  }
  return { email: `${local}@${domain}`, local, domain };
}

/**
 * The registrable ("base") domain of a host: `mx1.mail.hostingco.net` → `hostingco.net`. Thunderbird asks
 * the Public Suffix List; we have no copy of it, so the common two-label public suffixes are listed here
 * (`co.uk`, `com.au`, …) and every other name is taken as one label under its top-level domain. A wrong
 * guess costs one lookup that finds nothing.
 */
const TWO_LABEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'me.uk', 'ac.uk', 'gov.uk', 'ltd.uk', 'plc.uk', 'net.uk',
  'com.au', 'net.au', 'org.au', 'edu.au', 'co.nz', 'net.nz', 'org.nz',
  'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'co.kr', 'or.kr', 'co.in', 'net.in', 'org.in', 'co.za', 'org.za',
  'com.br', 'net.br', 'org.br', 'com.ar', 'com.mx', 'com.tr', 'com.cn', 'net.cn', 'org.cn', 'com.tw', 'com.hk',
  'com.sg', 'com.my', 'co.id', 'co.il', 'co.th', 'com.pl', 'com.ua', 'com.ru', 'co.at', 'or.at', 'com.es', 'com.pt',
]);

export function baseDomain(host: string): string {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.').filter(Boolean);
  if (labels.length <= 2) return labels.join('.');
  const lastTwo = labels.slice(-2).join('.');
  return labels.slice(TWO_LABEL_SUFFIXES.has(lastTwo) ? -3 : -2).join('.');
}

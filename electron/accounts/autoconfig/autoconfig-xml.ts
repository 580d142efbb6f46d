import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Security, UsernameForm } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import type { MailAddress } from './mail-address';

/** A server read from a config file, before we know which source it came from. */
export interface ConfigServer {
  protocol: 'imap' | 'pop3' | 'smtp';
  host: string;
  port: number;
  security: Security;
  username: string;
  usernameForm: UsernameForm;
}

/**
 * Thunderbird's autoconfig format (clientConfig version 1.1), served by providers at
 * autoconfig.<domain> and /.well-known/, and by the ISPDB:
 * https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
 * Incoming IMAP and POP3 servers (`incomingServer`) and the SMTP submission server (`outgoingServer`).
 */
const SOCKET_TYPES: Record<string, Security> = { ssl: 'tls', tls: 'tls', starttls: 'starttls', plain: 'none' };

/** `<authentication>` values that mean "a password": everything else (OAuth2, GSSAPI, NTLM, client-IP-address, TLS-client-cert) we cannot do. */
const PASSWORD_METHODS = new Set(['password-cleartext', 'plain', 'password-encrypted', 'secure']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Values stay strings ("0993" is not a number we want guessed) and entities are not expanded: a config
  // file has no use for them, and expanding them is how "billion laughs" files exhaust memory.
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  trimValues: true,
  isArray: (name) => ['emailProvider', 'incomingServer', 'outgoingServer', 'authentication', 'domain'].includes(name),
});

interface RawServer {
  '@_type'?: unknown;
  hostname?: unknown;
  port?: unknown;
  socketType?: unknown;
  username?: unknown;
  authentication?: unknown[];
}

/**
 * The IMAP, POP3 and SMTP servers of one config file, in the file's order (the provider's preference), with the
 * placeholders filled in for `address`. Throws PROTOCOL_ERROR for a file that is not a config file:
 * malformed XML, an HTML error page served with status 200, a DOCTYPE.
 */
export function parseAutoconfigXml(xml: string, address: MailAddress): ConfigServer[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw malformed('it declares a DOCTYPE or entities, which config files never do');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw malformed(`${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(xml) as { clientConfig?: { emailProvider?: Array<{ incomingServer?: RawServer[]; outgoingServer?: RawServer[] }> } };
  if (!doc.clientConfig || typeof doc.clientConfig !== 'object') throw malformed('there is no <clientConfig> element');
  const servers: ConfigServer[] = [];
  for (const provider of doc.clientConfig.emailProvider ?? []) {
    for (const raw of provider?.incomingServer ?? []) {
      const server = readServer(raw, address, ['imap', 'pop3']);
      if (server) servers.push(server);
    }
    for (const raw of provider?.outgoingServer ?? []) {
      const server = readServer(raw, address, ['smtp']);
      if (server) servers.push(server);
    }
  }
  return servers;
}

function readServer(raw: RawServer, address: MailAddress, types: Array<ConfigServer['protocol']>): ConfigServer | null {
  const type = text(raw['@_type'])?.toLowerCase() as ConfigServer['protocol'] | undefined;
  if (!type || !types.includes(type)) return null;
  const security = SOCKET_TYPES[text(raw.socketType)?.toLowerCase() ?? ''];
  const host = fill(text(raw.hostname) ?? '', address).toLowerCase();
  const port = Number(text(raw.port));
  if (!security || !isHostName(host) || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  const methods = (raw.authentication ?? []).map((m) => text(m)?.toLowerCase() ?? '');
  if (methods.length > 0 && !methods.some((m) => PASSWORD_METHODS.has(m))) return null;
  const template = text(raw.username) ?? '%EMAILADDRESS%';
  const username = fill(template, address);
  if (!username) return null;
  return { protocol: type, host, port, security, username, usernameForm: usernameFormOf(template) };
}

export function usernameFormOf(template: string): UsernameForm {
  if (template === '%EMAILADDRESS%') return '%EMAILADDRESS%';
  if (template === '%EMAILLOCALPART%') return '%EMAILLOCALPART%';
  return 'other';
}

/** The placeholders of the format: %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% (%REALNAME% is for SMTP identities). */
function fill(template: string, address: MailAddress): string {
  return template
    .replace(/%EMAILADDRESS%/g, address.email)
    .replace(/%EMAILLOCALPART%/g, address.local)
    .replace(/%EMAILDOMAIN%/g, address.domain)
    .trim();
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && '#text' in value) return String((value as { '#text': unknown })['#text']).trim();
  return null;
}

export function isHostName(host: string): boolean {
  return host.length > 0 && host.length <= 253 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host);
}

function malformed(why: string): HomingError {
  return new HomingError('PROTOCOL_ERROR', `not a valid autoconfig file: ${why}`);
}

import type { OutgoingServer, Security } from '../../shared/contract/accounts';
import type { OutboxItem } from '../../shared/contract/outgoing';
import { storedPasswordChange } from '../../shared/credential-scope';
import { sameHost } from '../../shared/host-names';
import { securityLabels } from './account-form';
import { fixOf } from './certificate-fix';

/** Where the outgoing server would be after a fix: the rest of its settings stay. */
export interface ServerChange {
  host: string;
  port: number;
  security: Security;
}

/**
 * What the Outbox offers for a message waiting on its outgoing server's settings (the certificate has its
 * own, OutboxCertificateFix):
 * - `password`: the server refused the user name or password (AUTH_FAILED): enter it again;
 * - `server`: the settings point at the wrong place: a certificate for another name (TLS_CERT_HOSTNAME:
 *   "Use NAME instead", as cPanel and Plesk users must use the server's own name), a port that refuses
 *   the connection (CONNECTION_REFUSED: sending's usual ports, or one typed in), or a port that speaks the
 *   other security (TLS_WRONG_PORT; a greeting that never came, TIMEOUT GREETING_TIMEOUT, on a port
 *   expecting SSL/TLS). `port`: the port and security may be typed in too.
 */
export type OutboxServerFix =
  | { kind: 'password'; sentence: string }
  | { kind: 'server'; sentence: string; choices: Array<{ label: string; change: ServerChange }>; port: boolean }
  | null;

/** Sending's usual ports (RFC 8314: implicit TLS on 465 first; STARTTLS on 587). */
const SUBMISSION_PORTS: ServerChange[] = [
  { host: '', port: 465, security: 'tls' },
  { host: '', port: 587, security: 'starttls' },
];

const portLabel = (change: Pick<ServerChange, 'port' | 'security'>) => `Use ${securityLabels[change.security]} on port ${change.port}`;

/**
 * The fix for `item`'s last failure, or null when there is none to offer here: the failure is of another
 * kind, or of settings the account no longer has (changed since the try: the message is retried with them).
 */
export function outboxServerFix(item: Pick<OutboxItem, 'state' | 'lastError'>, smtp: OutgoingServer | null): OutboxServerFix {
  const error = item.lastError;
  if (item.state !== 'queued' || !error || !smtp) return null;
  const detail = error.detail ?? {};
  if (typeof detail.host === 'string' && !sameHost(detail.host, smtp.host)) return null;
  if (typeof detail.port === 'number' && detail.port !== smtp.port) return null;
  const here = { host: smtp.host, port: smtp.port, security: smtp.security };
  switch (error.code) {
    case 'AUTH_FAILED':
      return smtp.username === null ? null : { kind: 'password', sentence: `${smtp.host} did not accept the password for ${smtp.username}. Enter it again; it is tried before it is saved.` };
    case 'TLS_CERT_HOSTNAME': {
      const fix = fixOf(error);
      if (fix?.kind !== 'use-certificate-hostname' || fix.names.length === 0) return null;
      const names = fix.names.filter((name) => !sameHost(name, smtp.host)).slice(0, 3);
      if (names.length === 0) return null;
      return {
        kind: 'server',
        sentence: `The server’s certificate is for ${names.join(', ')}, not for ${smtp.host}. Hosting providers often use one certificate for all their customers’ mail: send through the name it covers, and it is checked normally.`,
        choices: names.map((name) => ({ label: `Use ${name} instead`, change: { ...here, host: name } })),
        port: false,
      };
    }
    case 'CONNECTION_REFUSED': {
      const choices = SUBMISSION_PORTS.filter((usual) => usual.port !== smtp.port).map((usual) => ({ label: portLabel(usual), change: { ...usual, host: smtp.host } }));
      return {
        kind: 'server',
        sentence: `Nothing answers on port ${smtp.port} of ${smtp.host}. Sending usually uses port 465 (SSL/TLS) or 587 (STARTTLS); your provider’s instructions say which.`,
        choices,
        port: true,
      };
    }
    case 'TLS_WRONG_PORT': {
      const fix = fixOf(error);
      const choices = fix?.kind === 'switch-security' && (fix.port !== smtp.port || fix.security !== smtp.security) ? [{ label: portLabel(fix), change: { ...here, port: fix.port, security: fix.security } }] : [];
      return {
        kind: 'server',
        sentence: `Port ${smtp.port} of ${smtp.host} does not speak ${securityLabels[smtp.security]}.`,
        choices,
        port: true,
      };
    }
    case 'TIMEOUT':
      // Connected, and no greeting came: a port that expects SSL/TLS from the start, talked to in plain text.
      if (detail.reason !== 'GREETING_TIMEOUT' || smtp.security === 'tls') return null;
      return {
        kind: 'server',
        sentence: `Port ${smtp.port} of ${smtp.host} sent no greeting: it may expect SSL/TLS from the start.`,
        choices: [{ label: portLabel({ port: smtp.port, security: 'tls' }), change: { ...here, security: 'tls' } }],
        port: true,
      };
    default:
      return null;
  }
}

/**
 * Whether the password must be typed for `change`: a stored password goes only to the server it was saved
 * for (shared/credential-scope.ts; the service checks it again). Never for a server without a login.
 */
export function changeNeedsPassword(smtp: OutgoingServer, change: ServerChange): boolean {
  if (smtp.username === null) return false;
  const target = { ...change, username: smtp.username, trustedFingerprint: pinFor(smtp, change) };
  return storedPasswordChange({ host: smtp.host, port: smtp.port, security: smtp.security, username: smtp.username, trustedFingerprint: smtp.trustedFingerprint }, target) !== null;
}

/** The certificate pin the changed server keeps: the same host keeps its pin, another host is verified normally. */
export function pinFor(smtp: OutgoingServer, change: ServerChange): string | null {
  return sameHost(change.host, smtp.host) ? smtp.trustedFingerprint : null;
}

import type { ConnectionFix, ConnectionTestResult, ServerSettings } from '../../shared/contract/accounts';
import { type ErrorData, HomingError, toErrorData } from '../../shared/errors';
import { mapNetworkError } from '../net/network-errors';
import { type ProbeProtocol, usualPorts } from './probe/dialogues';
import { type ProbeTimeouts, probeServer } from './probe/probe';
import { type ProtocolLogin, protocolLogins } from './protocol-login';
import { redactSecret } from './redact';
import type { Resolvers } from './resolvers';

export interface ConnectionTestInput {
  server: ServerSettings;
  /** Never logged, never in the result (scrubbed from anything a server might echo). */
  password: string;
  trustedFingerprint: string | null;
}

export interface ConnectionTestOptions {
  resolvers: Resolvers;
  timeouts?: Partial<ProbeTimeouts>;
  /** The login step; the real protocol clients unless a test replaces them. */
  logins?: Partial<Record<'imap' | 'pop3', ProtocolLogin>>;
  signal?: AbortSignal;
}

/**
 * The settings dialog's "Test": connect, TLS, capabilities, login. Two steps:
 * 1. a probe (probe/probe.ts) that connects exactly as the settings say, judges the certificate and reads
 *    the capabilities, and tells apart the failures people can fix (wrong port/security pairing, wrong
 *    protocol on the port, a certificate for another name) before any password is sent;
 * 2. a login with the real protocol client (sync/imap, sync/pop3), then a polite goodbye.
 * Every failure is ErrorData with a code, words a person understands, and `detail.fix` (one of
 * `connectionFixes`) plus `detail.hint`; the password appears nowhere in it.
 */
export async function testConnection(input: ConnectionTestInput, options: ConnectionTestOptions): Promise<ConnectionTestResult> {
  const { server, password } = input;
  const connectPort = options.resolvers.mapPort(server.port);
  const where = { host: server.host, port: server.port };
  try {
    const probe = await probeServer({
      protocol: server.protocol,
      host: server.host,
      port: server.port,
      connectPort,
      security: server.security,
      trustedFingerprint: input.trustedFingerprint,
      network: options.resolvers.network,
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (server.security === 'none' && probe.capabilities.includes('LOGINDISABLED')) {
      // RFC 3501 section 6.2.3: the server takes no password on an unencrypted connection.
      throw new HomingError('AUTH_PLAINTEXT_REFUSED', `${server.host} accepts passwords only over an encrypted connection, so none was sent.`, {
        ...where,
        capabilities: probe.capabilities,
      });
    }
    if (server.security === 'none' && server.protocol === 'pop3' && refusesPlainPop3(probe.capabilities, probe.greeting)) {
      // RFC 2449 CAPA: without USER and without a SASL mechanism that takes a password, the server will
      // not accept one on this unencrypted connection (Dovecot's disable_plaintext_auth hides them).
      throw new HomingError('AUTH_PLAINTEXT_REFUSED', `${server.host} accepts passwords only over an encrypted connection, so none was sent.`, {
        ...where,
        capabilities: probe.capabilities,
      });
    }
    const login = options.logins?.[server.protocol] ?? protocolLogins[server.protocol];
    const session = await login({
      host: server.host,
      port: connectPort,
      security: server.security,
      username: server.username,
      password,
      trustedFingerprint: input.trustedFingerprint,
      network: options.resolvers.network,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ok: true, capabilities: session.capabilities, certificate: probe.certificate, ...(session.apopRefused ? { apopRefused: true as const } : {}) };
  } catch (error) {
    const coded = error instanceof HomingError ? error : mapNetworkError(error, where, { security: server.security });
    return { ok: false, error: redactSecret(explainFailure(coded.toData(), server.protocol), password) };
  }
}

const wrongPortAdvice: Record<ProbeProtocol, string> = {
  imap: 'Use SSL/TLS on port 993 and STARTTLS on 143.',
  pop3: 'Use SSL/TLS on port 995 and STARTTLS on 110.',
  smtp: 'Use SSL/TLS on port 465 and STARTTLS on 587.',
};

/** The words and the fix for each failure a connection test can end in (incoming or outgoing server). */
export function explainFailure(error: ErrorData, protocol: ProbeProtocol): ErrorData {
  const detail = { ...error.detail };
  const setFix = (fix: ConnectionFix, hint: string) => {
    detail.fix ??= fix;
    detail.hint ??= hint;
  };
  let message = error.message;
  const tlsPort = usualPorts[protocol].tls;
  const portHint: Record<ProbeProtocol, string> = {
    imap: 'IMAP uses 993 (SSL/TLS) or 143 (STARTTLS)',
    pop3: 'POP3 uses 995 (SSL/TLS) or 110 (STARTTLS)',
    smtp: 'Sending (SMTP) uses 465 (SSL/TLS) or 587 (STARTTLS)',
  };
  switch (error.code) {
    case 'AUTH_FAILED': {
      // A server that offers no mechanism Homing logs in with (imap-errors.ts unusableMechanisms) says
      // what to change on it; the password may well be right.
      if (Array.isArray(detail.offeredMechanisms)) break;
      // The advice is both the message's end (the command line prints the message) and the hint (the app
      // shows each sentence once), in the same words.
      const advice = 'Check the user name (often your whole email address) and the password. With two-step login turned on, create an app password in your provider’s settings and use it here.';
      message = `${message.replace(/\.?$/, '.')} ${advice}`;
      setFix('check-password', advice);
      break;
    }
    case 'AUTH_PLAINTEXT_REFUSED':
      setFix('use-encryption', `Choose SSL/TLS on port ${tlsPort}, or STARTTLS.`);
      detail.suggested ??= { port: tlsPort, security: 'tls' };
      break;
    case 'MAILBOX_LOCKED': {
      // The client's text promises a retry that a connection test does not make.
      const said = typeof detail.response === 'string' ? detail.response : typeof detail.serverResponse === 'string' ? detail.serverResponse : null;
      message = `The mailbox is in use by another mail program${said ? ` (the server said: ${said})` : ''}. Close the other program or wait a few minutes, then test again.`;
      setFix('wait-and-retry', 'Close other mail programs using this mailbox (or wait a few minutes), then try again.');
      break;
    }
    case 'SERVER_BUSY':
      setFix('wait-and-retry', 'The server is busy; try again in a few minutes.');
      break;
    case 'DNS_NOT_FOUND':
      setFix('check-hostname', 'Check the server name for typing mistakes.');
      break;
    case 'CONNECTION_REFUSED':
      // This protocol's ports, not the general IMAP-and-POP3 line a socket error carries.
      detail.hint = `${portHint[protocol]}.`;
      setFix('check-port', `${portHint[protocol]}.`);
      break;
    case 'TIMEOUT':
    case 'CONNECTION_LOST':
      setFix('check-network', 'Check the internet connection and the port; a firewall may block it.');
      break;
    case 'TLS_WRONG_PORT': {
      // The socket error names IMAP's and POP3's ports; a test knows which protocol it spoke.
      const ports = wrongPortAdvice[protocol];
      message = message.replace('Use SSL/TLS on ports 993/995 and STARTTLS on 143/110.', ports);
      setFix('switch-security', ports);
      break;
    }
    case 'TLS_CERT_HOSTNAME':
    case 'TLS_CERT_UNTRUSTED':
    case 'TLS_CERT_EXPIRED':
    case 'TLS_CERT_CHANGED':
      setFix('trust-certificate', 'Compare the fingerprint with the one your provider publishes before trusting it.');
      break;
    default:
      setFix('check-settings', 'Check the server settings with your provider.');
  }
  return { code: error.code, message, detail };
}

/** For callers that hold an unexpected throwable: the same shape, never the password. */
export function connectionFailure(error: unknown, password: string): ConnectionTestResult {
  return { ok: false, error: redactSecret(toErrorData(error), password) };
}

function refusesPlainPop3(capabilities: string[], greeting: string): boolean {
  if (capabilities.length === 0) return false; // no CAPA: nothing known, let the login tell
  if (/<[^>]+@[^>]+>/.test(greeting)) return false; // APOP (RFC 1939 section 7) sends no password in clear
  const sasl = capabilities.find((c) => c.startsWith('SASL'))?.split(/\s+/).slice(1) ?? [];
  return !capabilities.includes('USER') && !sasl.includes('PLAIN') && !sasl.includes('LOGIN');
}

import { connect as netConnect, isIPv6, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { CertificateInfo, Security } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { mapNetworkError } from '../../net/network-errors';
import { describeCertificate, type NetworkOverrides, tlsOptions, type TrustPolicy, verifyPeer } from '../../net/tls-trust';
import type { SmtpTimeouts } from './limits';
import { ReplayedGreeting } from './replayed-greeting';
import { ehloExtensions, SmtpReplyReader } from './reply-reader';

/** Where an outgoing server is and how it is trusted. */
export interface SmtpEndpoint {
  /** The name the user gave (what the certificate must cover). */
  host: string;
  port: number;
  /** Where the port really is, when a test network maps standard ports (default: `port`). */
  connectPort?: number;
  security: Security;
  trustedFingerprint: string | null;
  network?: NetworkOverrides;
}

/** A connection ready for nodemailer: TLS set up and judged as `security` says, nothing else said yet. */
export interface OpenedSmtpSocket {
  socket: Socket | TLSSocket | ReplayedGreeting;
  /** True when the socket is already TLS (implicit TLS, or STARTTLS done here). */
  secured: boolean;
  certificate: CertificateInfo | null;
  /** The name to give in EHLO: this end's address as an address literal (RFC 5321 section 4.1.3). */
  clientName: string;
}

/**
 * Opens the connection for a session. Every TLS handshake uses `tlsOptions(policy)` and is judged by
 * `verifyPeer()` (pinned certificates exactly as for IMAP and POP3) before a byte is written over it:
 * - `tls`: implicit TLS (RFC 8314), the server greets over TLS;
 * - `starttls`: the greeting, EHLO and STARTTLS (RFC 3207) are spoken here, the handshake judged, and the
 *   TLS socket handed on with the greeting replayed (replayed-greeting.ts); a server that does not offer
 *   STARTTLS gets no password (AUTH_PLAINTEXT_REFUSED);
 * - `none`: a plain socket (nodemailer is told to ignore STARTTLS: it would upgrade unjudged).
 */
export async function openSmtpSocket(endpoint: SmtpEndpoint, timeouts: SmtpTimeouts, signal?: AbortSignal): Promise<OpenedSmtpSocket> {
  const policy: TrustPolicy = { host: endpoint.host, trustedFingerprint: endpoint.trustedFingerprint, ...(endpoint.network?.ca ? { ca: endpoint.network.ca } : {}) };
  const where = { host: endpoint.host, port: endpoint.port };
  const port = endpoint.connectPort ?? endpoint.port;
  const lookup = endpoint.network?.lookup ? { lookup: endpoint.network.lookup } : {};
  if (signal?.aborted) throw cancelled();

  if (endpoint.security === 'tls') {
    const socket = tlsConnect({ host: endpoint.host, port, ...lookup, ...tlsOptions(policy) });
    const certificate = await handshake(socket, policy, where, 'tls', timeouts.connectMs, signal);
    return { socket, secured: true, certificate, clientName: addressLiteral(socket.localAddress) };
  }

  const plain = netConnect({ host: endpoint.host, port, ...lookup });
  await connected(plain, where, endpoint.security, timeouts.connectMs, signal);
  const clientName = addressLiteral(plain.localAddress);
  if (endpoint.security === 'none') return { socket: plain, secured: false, certificate: null, clientName };

  const reader = new SmtpReplyReader(plain, where);
  const onAbort = () => plain.destroy(cancelled());
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const greeting = await reader.read(timeouts.greetingMs, () => new HomingError('TIMEOUT', `${where.host}:${where.port} sent no greeting.`, { ...where, fix: 'check-port', reason: 'GREETING_TIMEOUT' }));
    checkGreeting(greeting.code, greeting.lines.join(' '), where);
    reader.write(`EHLO ${clientName}`);
    const ehlo = await reader.read(timeouts.commandMs, () => noReply(where, 'EHLO'));
    const extensions = ehlo.code === 250 ? ehloExtensions(ehlo) : [];
    if (!extensions.includes('STARTTLS')) {
      throw new HomingError(
        'AUTH_PLAINTEXT_REFUSED',
        `${where.host}:${where.port} does not offer STARTTLS, so no password will be sent over this unencrypted connection. Try SSL/TLS on port 465.`,
        { ...where, capabilities: extensions, fix: 'use-encryption', hint: 'Choose SSL/TLS on port 465.' },
      );
    }
    reader.write('STARTTLS');
    const go = await reader.read(timeouts.commandMs, () => noReply(where, 'STARTTLS'));
    if (go.code !== 220) {
      throw new HomingError('TLS_FAILED', `${where.host} refused STARTTLS: ${go.code} ${go.lines.join(' ')}`, {
        ...where,
        response: `${go.code} ${go.lines.join(' ')}`,
        fix: 'switch-security',
        hint: 'Choose SSL/TLS on port 465.',
      });
    }
    const { leftover } = reader.detach();
    if (leftover.length > 0) {
      // RFC 3207 section 6: bytes after the 220 and before the handshake were not sent by the server we
      // will talk to over TLS (an injection attempt, or a broken server).
      throw new HomingError('PROTOCOL_ERROR', `${where.host} sent data after agreeing to STARTTLS.`, { ...where, fix: 'check-settings' });
    }
    signal?.removeEventListener('abort', onAbort);
    plain.on('error', () => undefined); // the TLS socket reports the wrapped socket's errors
    const secured = tlsConnect({ socket: plain, host: policy.host, ...tlsOptions(policy) });
    const certificate = await handshake(secured, policy, where, 'starttls', timeouts.connectMs, signal);
    const banner = `220 ${greeting.lines[0] ?? ''}`.trimEnd();
    return { socket: new ReplayedGreeting(secured, banner), secured: true, certificate, clientName };
  } catch (error) {
    reader.detach();
    plain.destroy();
    throw error instanceof HomingError ? error : mapNetworkError(error, where, { security: endpoint.security, protocol: 'smtp' });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * A greeting other than 220 (RFC 5321 section 3.1): 421 "try later", 554 "no service for you". The probe
 * and the session read them alike.
 */
export function checkGreeting(code: number, text: string, where: { host: string; port: number }): void {
  if (code === 220) return;
  const response = `${code} ${text}`.trim();
  if (code === 421 || (code >= 400 && code < 500)) {
    throw new HomingError('SERVER_BUSY', `${where.host} is not taking mail right now. The server said: ${response}`, { ...where, response, responseCode: code, fix: 'wait-and-retry' });
  }
  throw new HomingError('SERVER_ERROR', `${where.host}:${where.port} turned the connection away. The server said: ${response}`, { ...where, response, responseCode: code, fix: 'check-settings' });
}

function connected(socket: Socket, where: { host: string; port: number }, security: Security, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    const onAbort = () => socket.destroy(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    socket.once('connect', () => {
      settle();
      socket.removeAllListeners('error');
      // Until nodemailer or the reply reader listens: an 'error' without a listener would end the process.
      socket.on('error', () => undefined);
      resolve();
    });
    socket.once('error', (error) => {
      settle();
      reject(error instanceof HomingError ? error : mapNetworkError(error, where, { security, phase: 'connect', protocol: 'smtp' }));
    });
  });
}

/** Waits for the handshake and judges the peer; the socket is destroyed on any refusal. */
function handshake(
  socket: TLSSocket,
  policy: TrustPolicy,
  where: { host: string; port: number },
  security: Security,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CertificateInfo> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    const onAbort = () => socket.destroy(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    socket.once('secureConnect', () => {
      settle();
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      const refusal = verifyPeer(socket, policy);
      if (refusal) {
        socket.destroy();
        reject(refusal);
        return;
      }
      resolve(describeCertificate(socket.getPeerCertificate(true)));
    });
    socket.once('error', (error) => {
      settle();
      reject(error instanceof HomingError ? error : mapNetworkError(error, where, { security, phase: 'tls', protocol: 'smtp' }));
    });
  });
}

/** `[192.0.2.1]` or `[IPv6:2001:db8::1]`: says nothing about this computer that the server cannot see. */
export function addressLiteral(address: string | undefined): string {
  if (!address) return '[127.0.0.1]';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return `[${mapped[1]}]`;
  return isIPv6(address) ? `[IPv6:${address}]` : `[${address}]`;
}

function noReply(where: { host: string; port: number }, command: string): HomingError {
  return new HomingError('TIMEOUT', `${where.host}:${where.port} did not answer ${command} in time.`, { ...where, fix: 'check-network', reason: command });
}

function cancelled(): HomingError {
  return new HomingError('CANCELLED', 'Sending was cancelled.');
}

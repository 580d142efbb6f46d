import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { CertificateInfo, Security } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { mapNetworkError, type NetworkErrorContext } from '../../net/network-errors';
import { describeCertificate, type NetworkOverrides, tlsOptions, type TrustPolicy, verifyPeer } from '../../net/tls-trust';
import { accountLimits } from '../limits';
import { dialogueFor, type ProbeProtocol, usualPorts } from './dialogues';
import { LineSocket } from './line-socket';

export interface ProbeTimeouts {
  connectMs: number;
  tlsMs: number;
  greetingMs: number;
  replyMs: number;
}

export const defaultProbeTimeouts: ProbeTimeouts = {
  connectMs: accountLimits.connectTimeoutMs,
  tlsMs: accountLimits.tlsTimeoutMs,
  greetingMs: accountLimits.greetingTimeoutMs,
  replyMs: accountLimits.replyTimeoutMs,
};

export interface ProbeOptions {
  protocol: ProbeProtocol;
  /** The name the user typed (what the certificate must cover). */
  host: string;
  port: number;
  security: Security;
  trustedFingerprint: string | null;
  network?: NetworkOverrides;
  /** Where the port really is, when a test network maps standard ports (default: `port`). */
  connectPort?: number;
  timeouts?: Partial<ProbeTimeouts>;
  signal?: AbortSignal;
}

export interface ProbeResult {
  greeting: string;
  /** Capabilities after TLS (what a login would see), upper-case. */
  capabilities: string[];
  /** The certificate judged during the handshake (null without TLS). */
  certificate: CertificateInfo | null;
  /** Whether a plain connection offered STARTTLS/STLS (guessing uses it to choose the security setting). */
  offersStartTls: boolean;
}

/**
 * Connects, sets up TLS as `security` says (judging the certificate with the account's trust policy before
 * anything is written), reads the greeting and the capabilities, and says goodbye. Never logs in. Every
 * failure is a coded error in our words; the tricky ones are told apart here:
 * - TLS spoken to a plain port: OpenSSL reads the greeting as a bad record (TLS_WRONG_PORT);
 * - plain text spoken to a TLS port: the server waits for our handshake and never greets, so after the
 *   greeting timeout a second connection tries TLS, and if that works the answer is TLS_WRONG_PORT.
 */
export async function probeServer(options: ProbeOptions): Promise<ProbeResult> {
  const timeouts = { ...defaultProbeTimeouts, ...options.timeouts };
  const policy: TrustPolicy = { host: options.host, trustedFingerprint: options.trustedFingerprint, ...(options.network?.ca ? { ca: options.network.ca } : {}) };
  const where = { host: options.host, port: options.port };
  const connectPort = options.connectPort ?? options.port;
  const dialogue = dialogueFor(options.protocol);
  let phase: NetworkErrorContext['phase'] = 'connect';
  const context = (): NetworkErrorContext => ({ security: options.security, phase });

  let certificate: CertificateInfo | null = null;
  let line: LineSocket | null = null;
  const onAbort = () => line?.destroy();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw new HomingError('CANCELLED', 'The probe was cancelled.');
    let socket: Socket | TLSSocket;
    if (options.security === 'tls') {
      const secured = await openTls(options, connectPort, policy, timeouts, where, options.signal);
      socket = secured.socket;
      certificate = secured.certificate;
    } else {
      socket = await openPlain(options, connectPort, timeouts, where, options.signal);
    }
    phase = 'greeting';
    line = new LineSocket(socket, where, accountLimits.maxLineBytes, context);
    const greeting = await line.readLine(timeouts.greetingMs, () =>
      options.security === 'tls'
        ? new HomingError('TIMEOUT', `${where.host}:${where.port} set up TLS but sent no greeting.`, { ...where, fix: 'check-port' })
        : new HomingError('TIMEOUT', `${where.host}:${where.port} sent no greeting.`, { ...where, fix: 'check-port' }),
    ).catch(async (error: unknown) => {
      // Silence on a plain connection: is this an implicit-TLS port waiting for our handshake?
      if (error instanceof HomingError && error.code === 'TIMEOUT' && options.security !== 'tls') {
        line?.destroy();
        if (await speaksTls(options, connectPort, policy, timeouts)) throw wrongPortForPlain(where, options.protocol);
      }
      throw error;
    });
    let capabilities = dialogue.greeting(greeting, where);
    await dialogue.finishGreeting?.(line, greeting, timeouts.greetingMs);
    phase = 'session';
    capabilities ??= await dialogue.capabilities(line, timeouts.replyMs);
    const offersStartTls = options.security !== 'tls' && dialogue.offersStartTls(capabilities);

    if (options.security === 'starttls') {
      if (!offersStartTls) {
        throw new HomingError(
          'AUTH_PLAINTEXT_REFUSED',
          `${where.host}:${where.port} does not offer STARTTLS, so no password will be sent over this unencrypted connection. ` +
            `Try SSL/TLS on port ${usualPorts[options.protocol].tls}.`,
          { ...where, capabilities, fix: 'use-encryption', hint: `Choose SSL/TLS on port ${usualPorts[options.protocol].tls}.` },
        );
      }
      await dialogue.startTls(line, timeouts.replyMs);
      phase = 'tls';
      const plain = line.detach();
      line = null;
      const secured = await upgradeTls(plain, policy, timeouts, where);
      certificate = secured.certificate;
      phase = 'session';
      line = new LineSocket(secured.socket, where, accountLimits.maxLineBytes, context);
      // RFC 3501 section 6.2.1 / RFC 2595 section 4: capabilities from before TLS are void; ask again.
      capabilities = await dialogue.capabilities(line, timeouts.replyMs);
    }
    dialogue.quit(line);
    return { greeting, capabilities, certificate, offersStartTls };
  } catch (error) {
    if (options.signal?.aborted) throw new HomingError('CANCELLED', 'The probe was cancelled.');
    throw mapNetworkError(error, where, context());
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    line?.destroy();
  }
}

/** TCP connect with a deadline; errors in our words. */
function openPlain(options: ProbeOptions, port: number, timeouts: ProbeTimeouts, where: { host: string; port: number }, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: options.host, port, ...(options.network?.lookup ? { lookup: options.network.lookup } : {}) });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), timeouts.connectMs);
    const onAbort = () => socket.destroy(new HomingError('CANCELLED', 'The probe was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      // Until the LineSocket listens: an 'error' without a listener would throw out of the process.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(mapNetworkError(error, where, { security: options.security, phase: 'connect' }));
    });
  });
}

/** Implicit TLS: connect, handshake, judge the certificate before a byte is written. */
function openTls(
  options: ProbeOptions,
  port: number,
  policy: TrustPolicy,
  timeouts: ProbeTimeouts,
  where: { host: string; port: number },
  signal?: AbortSignal,
): Promise<{ socket: TLSSocket; certificate: CertificateInfo }> {
  return new Promise((resolve, reject) => {
    let phase: 'connect' | 'tls' = 'connect';
    const socket = tlsConnect({ host: options.host, port, ...(options.network?.lookup ? { lookup: options.network.lookup } : {}), ...tlsOptions(policy) });
    let timer = setTimeout(() => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), timeouts.connectMs);
    const onAbort = () => socket.destroy(new HomingError('CANCELLED', 'The probe was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      phase = 'tls';
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })), timeouts.tlsMs);
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settleHandshake(socket, policy, resolve, reject);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(mapNetworkError(error, where, { security: 'tls', phase }));
    });
  });
}

/** STARTTLS/STLS: the same handshake and judgement on the open plain socket. */
function upgradeTls(plain: Socket, policy: TrustPolicy, timeouts: ProbeTimeouts, where: { host: string; port: number }): Promise<{ socket: TLSSocket; certificate: CertificateInfo }> {
  return new Promise((resolve, reject) => {
    plain.on('error', () => undefined); // the TLS socket reports the wrapped socket's errors
    const socket = tlsConnect({ socket: plain, host: policy.host, ...tlsOptions(policy) });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })), timeouts.tlsMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      settleHandshake(socket, policy, resolve, reject);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(mapNetworkError(error, where, { security: 'starttls', phase: 'tls' }));
    });
  });
}

function settleHandshake(
  socket: TLSSocket,
  policy: TrustPolicy,
  resolve: (value: { socket: TLSSocket; certificate: CertificateInfo }) => void,
  reject: (error: unknown) => void,
): void {
  socket.removeAllListeners('error');
  socket.on('error', () => undefined);
  const refusal = verifyPeer(socket, policy);
  if (refusal) {
    socket.destroy();
    reject(refusal);
    return;
  }
  const peer = socket.getPeerCertificate(true);
  resolve({ socket, certificate: describeCertificate(peer) });
}

/**
 * Does the port answer a TLS handshake? Nothing is written after it and the certificate is not judged:
 * this only tells a silent implicit-TLS port from a silent dead one.
 */
function speaksTls(options: ProbeOptions, port: number, policy: TrustPolicy, timeouts: ProbeTimeouts): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: options.host, port, ...(options.network?.lookup ? { lookup: options.network.lookup } : {}), ...tlsOptions(policy) });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeouts.connectMs + timeouts.tlsMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function wrongPortForPlain(where: { host: string; port: number }, protocol: ProbeProtocol): HomingError {
  const usual = usualPorts[protocol];
  return new HomingError(
    'TLS_WRONG_PORT',
    `Port ${where.port} on ${where.host} expects SSL/TLS from the start, but the connection was set up for STARTTLS or no encryption. ` +
      `Choose SSL/TLS for port ${where.port} (or STARTTLS on port ${usual.starttls}).`,
    { ...where, suggested: { port: where.port, security: 'tls' }, fix: 'switch-security', hint: `Choose SSL/TLS for port ${where.port}.` },
  );
}

import { ImapFlow } from 'imapflow';
import type { CertificateInfo, Security } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import type { NetworkOverrides } from '../../net/tls-trust';
import { mapImapError, unusableMechanisms } from './imap-errors';
import { imapConnectionLimits } from './limits';
import { createTrustedTransport, type TransportObservations } from './tls-transport';

export interface ImapConnectOptions {
  host: string;
  port: number;
  security: Security;
  username: string;
  /** Never logged, never put in an error. */
  password: string;
  /** Lowercase hex SHA-256 of the one certificate the user pinned, or null for normal verification. */
  trustedFingerprint: string | null;
  /** Aborting closes the connection; whatever is running rejects with CANCELLED. */
  signal?: AbortSignal;
  /** Ask for QRESYNC (RFC 7162) when the server offers it (VANISHED expunges, UID-based EXPUNGE events). Default true. */
  qresync?: boolean;
  /** Test-only name mapping and extra CAs (electron/net/tls-trust.ts); production leaves it out. */
  network?: NetworkOverrides;
  /** Overrides for tests of silent servers. */
  timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number };
}

/**
 * One logged-in IMAP connection. A connection is never reused after it closes (imapflow clients cannot
 * reconnect: imapflow #15, #63): callers make a new one with `connectImap()`.
 */
export interface ImapConnection {
  readonly client: ImapFlow;
  readonly host: string;
  readonly port: number;
  /** The server certificate seen during the TLS handshake (null without TLS). */
  readonly certificate: CertificateInfo | null;
  /** Resolves once the connection is gone: with the coded error that ended it, or null after our own logout/close. */
  readonly closed: Promise<HomingError | null>;
  readonly usable: boolean;
  /** Capability names as the server sent them after login (`IDLE`, `CONDSTORE`, `MOVE`, …). */
  capabilities(): string[];
  has(capability: string): boolean;
  /** True when QRESYNC was enabled for this session (ENABLE QRESYNC, RFC 7162 section 3.2.3). */
  readonly qresync: boolean;
  /**
   * Several imapflow commands (MOVE, COPY, STORE, EXPUNGE) answer a server refusal with `false` and only
   * log the error: this hands back that error (then forgets it), in our words, or null.
   */
  takeCommandError(): HomingError | null;
  /** Any error from a command on this connection in our words (CANCELLED once the signal aborted). */
  mapError(error: unknown): HomingError;
  /** Says goodbye politely (LOGOUT); never throws, closes the socket if the server does not answer. */
  logout(): Promise<void>;
  /** Drops the socket at once. */
  close(): void;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/**
 * Connects and logs in: TLS (implicit or STARTTLS) through the trusted transport, so a certificate is
 * judged before LOGIN is sent; resolves with a logged-in connection or rejects with a coded HomingError
 * (AUTH_FAILED with the server's text, TLS_* with certificate details, CONNECTION_REFUSED, TIMEOUT, …).
 * Usable on its own: the account connection test calls it with settings that are not saved yet.
 */
export async function connectImap(options: ImapConnectOptions): Promise<ImapConnection> {
  const where = { host: options.host, port: options.port };
  if (options.signal?.aborted) throw new HomingError('CANCELLED', 'The connection was cancelled.');
  const seen: TransportObservations = { certificate: null };
  // imapflow reports refused commands it answers with `false` only to its logger; keep the last one.
  // Log entries are never written anywhere (they could hold mail data), and LOGIN's password is marked
  // sensitive by imapflow and never part of an error.
  let commandError: unknown = null;
  const keepError = (entry: unknown) => {
    const err = (entry as { err?: unknown } | null)?.err;
    if (err && typeof err === 'object' && 'responseStatus' in err) commandError = err;
  };
  // Whether LOGIN/AUTHENTICATE went out (imapflow logs each command, the password masked): a connection
  // closed after that and before an answer is told apart from an ordinary cut (`droppedAtLogin`).
  let loginSent = false;
  const noteCommand = (entry: unknown) => {
    const e = entry as { src?: unknown; msg?: unknown } | null;
    if (!loginSent && e?.src === 'c' && typeof e.msg === 'string' && /^\S+ (LOGIN|AUTHENTICATE)\b/i.test(e.msg)) loginSent = true;
  };
  const logger = {
    debug: noteCommand,
    info: () => undefined,
    warn: keepError,
    error: keepError,
    // imapflow serialises a command or response for the log only when its level is on: debug is read
    // until LOGIN went out, never after; FETCH responses log at trace, which is always off.
    isLevelEnabled: (level: string) => level === 'warn' || level === 'error' || (level === 'debug' && !loginSent),
  };
  const client = new ImapFlow({
    host: options.host,
    port: options.port,
    secure: options.security === 'tls',
    // 'starttls' must upgrade or fail (a stripped STARTTLS capability must not send the password in clear);
    // 'none' is the user's explicit choice of no encryption.
    doSTARTTLS: options.security === 'starttls' ? true : options.security === 'none' ? false : undefined,
    transport: createTrustedTransport(
      { host: options.host, trustedFingerprint: options.trustedFingerprint, ...(options.network?.ca ? { ca: options.network.ca } : {}) },
      seen,
      options.network,
    ),
    auth: { user: options.username, pass: options.password },
    logger,
    clientInfo: { name: 'Homing' },
    qresync: options.qresync ?? true,
    // We start IDLE ourselves, only on the watch connection (watch.ts): an automatic IDLE between two sync
    // commands costs two round trips each time.
    disableAutoIdle: true,
    connectionTimeout: options.timeouts?.connectMs ?? imapConnectionLimits.connectTimeoutMs,
    greetingTimeout: options.timeouts?.greetingMs ?? imapConnectionLimits.greetingTimeoutMs,
    socketTimeout: options.timeouts?.socketMs ?? imapConnectionLimits.socketTimeoutMs,
    maxLockHoldTime: false,
    // COMPRESS=DEFLATE (RFC 4978) saves bandwidth on a real network; on a loopback connection (a local
    // Dovecot, a mail bridge) it only burns CPU on both ends.
    disableCompression: isLoopback(options.host),
  });

  let ended: HomingError | null = null;
  let closedByUs = false;
  let resolveClosed!: (error: HomingError | null) => void;
  const closed = new Promise<HomingError | null>((resolve) => (resolveClosed = resolve));
  // Always listened to: without an 'error' listener a socket timeout throws out of the process (imapflow #302).
  client.on('error', (error: unknown) => {
    ended ??= mapImapError(error, where);
  });
  client.on('close', () => {
    resolveClosed(closedByUs && !ended ? null : (ended ?? new HomingError('CONNECTION_LOST', `The connection to ${where.host}:${where.port} was closed.`, where)));
  });

  const onAbort = () => {
    closedByUs = true;
    client.close();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const mapError = (error: unknown): HomingError => {
    if (options.signal?.aborted) return new HomingError('CANCELLED', 'Sync was stopped.');
    // A command that fails because the socket went away reports the reason the socket went away.
    const mapped = mapImapError(error, where);
    if (ended && mapped.code === 'CONNECTION_LOST') return ended;
    return mapped;
  };

  try {
    await client.connect();
  } catch (error) {
    options.signal?.removeEventListener('abort', onAbort);
    client.close();
    // The capabilities are the server's before login (its greeting or CAPABILITY): what it lets us log in with.
    const mapped = unusableMechanisms(mapError(error), client.capabilities.keys(), where);
    if (mapped.code === 'CONNECTION_LOST' && loginSent && !client.authenticated) {
      throw new HomingError(mapped.code, mapped.message, { ...(mapped.detail as object | undefined), droppedAtLogin: true });
    }
    throw mapped;
  }
  void closed.then(() => options.signal?.removeEventListener('abort', onAbort));

  const connection: ImapConnection = {
    client,
    host: options.host,
    port: options.port,
    certificate: seen.certificate,
    closed,
    get usable() {
      return client.usable;
    },
    capabilities: () => [...client.capabilities.keys()],
    has: (capability) => client.capabilities.has(capability),
    qresync: client.enabled.has('QRESYNC'),
    mapError,
    takeCommandError() {
      const error = commandError;
      commandError = null;
      return error ? mapError(error) : null;
    },
    async logout() {
      closedByUs = true;
      if (client.usable) {
        const timer = setTimeout(() => client.close(), imapConnectionLimits.noopTimeoutMs);
        try {
          await client.logout();
        } catch {
          // Closed below either way.
        } finally {
          clearTimeout(timer);
        }
      }
      // imapflow drops the socket a turn after LOGOUT's answer; dropping it now and waiting for it to be
      // gone means whoever connects next for this account (the watch session after a pass, a restarted
      // loop) never has a connection beside this one.
      client.close();
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (waited = setTimeout(resolve, imapConnectionLimits.noopTimeoutMs)))]);
      clearTimeout(waited);
    },
    close() {
      closedByUs = true;
      client.close();
    },
  };
  return connection;
}

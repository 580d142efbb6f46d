import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { domainToASCII } from 'node:url';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { CertificateInfo } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { defaultSmtpTimeouts, SMTP_LIMITS, type SmtpTimeouts } from './limits';
import { openSmtpSocket, type SmtpEndpoint } from './open-socket';
import { mapSmtpError, recipientsOf, type NodemailerErrorLike, type RefusedRecipient } from './smtp-errors';

// nodemailer's SMTP client, loaded on first send: the sync worker that holds this module mostly never sends.
const load = createRequire(__filename);
let smtpConnectionModule: typeof SMTPConnection | null = null;
const smtpConnectionClass = (): typeof SMTPConnection => (smtpConnectionModule ??= load('nodemailer/lib/smtp-connection') as typeof SMTPConnection);

export interface SmtpConnectOptions extends SmtpEndpoint {
  timeouts?: Partial<SmtpTimeouts>;
  signal?: AbortSignal;
}

/** One message's envelope (RFC 5321 section 2.3.1): who it is from and every address it goes to. */
export interface SmtpEnvelope {
  from: string;
  to: string[];
}

export interface SubmitResult {
  accepted: string[];
  /** Recipients the server refused while taking the message for the others. */
  rejected: RefusedRecipient[];
  /** The server's reply to the final dot (its queue id, usually). */
  response: string;
}

/**
 * Whether a failed submission may still have been delivered. `not-sent`: the server never received the
 * final dot, or answered it with a refusal, so sending again cannot make a duplicate. `unknown`: the dot
 * may have reached the server and no reply came (RFC 5321 section 4.1.1.4: the transaction is the
 * server's once it has the dot); only the user may decide to send again.
 */
export type SubmitOutcome = 'not-sent' | 'unknown';

export class SubmitError extends HomingError {
  constructor(
    cause: HomingError,
    readonly outcome: SubmitOutcome,
  ) {
    super(cause.code, cause.message, { ...cause.detail, outcome }, { cause });
  }
}

/**
 * One SMTP submission session (RFC 6409) on nodemailer's smtp-connection, which does EHLO, AUTH,
 * PIPELINING, per-recipient refusals, SIZE, 8BITMIME and SMTPUTF8. Homing opens the socket itself
 * (open-socket.ts) so every certificate is judged before anything is written. Messages go as the exact
 * bytes they were built with. A session sends any number of messages one after the other.
 */
export class SmtpSession {
  private closed = false;

  private constructor(
    private readonly connection: SMTPConnection,
    /** The socket nodemailer reads and writes (its idle timeout is the wait for each reply). */
    private readonly socket: { setTimeout(ms: number): unknown },
    private readonly endpoint: SmtpEndpoint,
    private readonly timeouts: SmtpTimeouts,
    /** EHLO keywords after TLS, upper case (`SIZE 10240000`, `AUTH PLAIN LOGIN`, `SMTPUTF8`, …). */
    readonly extensions: string[],
    readonly certificate: CertificateInfo | null,
  ) {}

  static async connect(options: SmtpConnectOptions): Promise<SmtpSession> {
    const timeouts = { ...defaultSmtpTimeouts, ...options.timeouts };
    const where = { host: options.host, port: options.port, security: options.security };
    const opened = await openSmtpSocket(options, timeouts, options.signal);
    const connection = new (smtpConnectionClass())({
      host: options.host,
      port: options.connectPort ?? options.port,
      connection: opened.socket as never,
      secure: opened.secured,
      secured: opened.secured,
      // A plain session stays plain: an upgrade nodemailer made itself would not be judged by our trust policy.
      ignoreTLS: !opened.secured,
      name: opened.clientName,
      greetingTimeout: timeouts.greetingMs,
      connectionTimeout: timeouts.connectMs + timeouts.greetingMs + timeouts.commandMs,
      // nodemailer has one idle timer for the whole session and none per command: it is commandMs for
      // every reply, and send() lengthens it to dataDoneMs only while the reply to the final dot is awaited.
      socketTimeout: timeouts.commandMs,
      maxResponseSize: SMTP_LIMITS.replyBytes,
      logger: false,
      debug: false,
    });
    const onAbort = () => connection.close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        connection.once('error', reject);
        connection.connect((error) => {
          connection.off('error', reject);
          if (error) reject(error);
          else resolve();
        });
      });
    } catch (error) {
      connection.close();
      if (options.signal?.aborted) throw new HomingError('CANCELLED', 'Sending was cancelled.');
      throw mapSmtpError(error, where);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    // Later errors arrive through the callbacks; an 'error' without a listener would end the process.
    connection.on('error', () => undefined);
    const ehlo = typeof connection.lastServerResponse === 'string' ? connection.lastServerResponse : '';
    return new SmtpSession(connection, opened.socket, options, timeouts, parseEhlo(ehlo), opened.certificate);
  }

  /** The server's SIZE limit in bytes (RFC 1870), or null when it announces none. */
  get maxSize(): number | null {
    const size = this.extensions.find((e) => /^SIZE\b/.test(e));
    const limit = size ? Number(size.split(/\s+/)[1]) : NaN;
    return Number.isFinite(limit) && limit > 0 ? limit : null;
  }

  supports(extension: string): boolean {
    const wanted = extension.toUpperCase();
    return this.extensions.some((e) => e === wanted || e.startsWith(`${wanted} `));
  }

  /** The SASL mechanisms offered (`AUTH PLAIN LOGIN`), empty when the server takes no login. */
  get authMechanisms(): string[] {
    return this.extensions.filter((e) => /^AUTH[ =]/.test(e)).flatMap((e) => e.slice(5).trim().split(/\s+/));
  }

  async login(username: string, password: string): Promise<void> {
    if (this.authMechanisms.length === 0) {
      throw new HomingError(
        this.connectionIsSecure ? 'SERVER_ERROR' : 'AUTH_PLAINTEXT_REFUSED',
        this.connectionIsSecure
          ? `${this.endpoint.host} offers no login (AUTH) on this connection.`
          : `${this.endpoint.host} offers no way to log in on this unencrypted connection, so no password was sent.`,
        { host: this.endpoint.host, port: this.endpoint.port, capabilities: this.extensions, fix: this.connectionIsSecure ? 'check-settings' : 'use-encryption' },
      );
    }
    await new Promise<void>((resolve, reject) => {
      // nodemailer completes only a send in flight when the connection fails (a timeout, a cut): a login
      // waiting for its reply would never hear of it, so the connection's own error and end settle it too.
      const onError = (error: unknown) => settle(error);
      const onEnd = () => settle(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
      const settle = (error: unknown) => {
        this.connection.off('error', onError);
        this.connection.off('end', onEnd);
        if (error) reject(error);
        else resolve();
      };
      this.connection.once('error', onError);
      this.connection.once('end', onEnd);
      this.connection.login({ user: username, pass: password }, (error) => settle(error));
    }).catch((error: unknown) => {
      throw mapSmtpError(error, this.where);
    });
  }

  /**
   * Submits one message. `beforeFinalDot` runs synchronously after the last byte of the message was handed
   * to the socket and before nodemailer writes the terminating `.` line: the caller records there that the
   * message may be delivered from now on. Fails with a SubmitError saying whether it may have been sent.
   */
  async send(envelope: SmtpEnvelope, message: Buffer, hooks: { beforeFinalDot(): void }): Promise<SubmitResult> {
    this.checkSendable(envelope, message.length);
    let handedOver = false;
    const source = messageStream(message, () => {
      handedOver = true;
      hooks.beforeFinalDot();
      // The next wait is for the reply to the final dot: the server may be scanning the message.
      this.socket.setTimeout(this.timeouts.dataDoneMs);
    });
    const use8BitMime = hasEightBit(message);
    try {
      const info = await new Promise<{ accepted: string[]; rejected: string[]; rejectedErrors?: unknown[]; response: string }>((resolve, reject) => {
        this.connection.send({ from: envelope.from, to: envelope.to, size: message.length, use8BitMime }, source, (error, result) =>
          error ? reject(error) : resolve(result),
        );
      });
      const rejected = info.rejected.length > 0 ? recipientsOf({ rejected: info.rejected, rejectedErrors: (info.rejectedErrors ?? []) as NodemailerErrorLike[] }) : [];
      return { accepted: info.accepted, rejected, response: info.response };
    } catch (error) {
      const mapped = senderRefusedAtRcpt(mapSmtpError(error, this.where), envelope.from);
      // A reply to the dot is the server's word either way; silence after it is not.
      const replied = typeof (error as NodemailerErrorLike | null)?.responseCode === 'number';
      const outcome: SubmitOutcome = handedOver && !replied ? 'unknown' : 'not-sent';
      if (outcome === 'unknown') {
        throw new SubmitError(
          new HomingError('SEND_UNCERTAIN', `The connection to ${this.endpoint.host} ended after the message was handed over and before the server answered: it may have been sent.`, {
            ...mapped.detail,
            cause: mapped.code,
          }),
          outcome,
        );
      }
      throw new SubmitError(mapped, outcome);
    } finally {
      // The next message's MAIL FROM and the QUIT are commands again.
      this.socket.setTimeout(this.timeouts.commandMs);
    }
  }

  /**
   * What the server announced rules out before a byte of the message is sent: a message over its SIZE
   * (RFC 1870), an address that needs SMTPUTF8 (RFC 6531) from a server without it.
   */
  checkSendable(envelope: SmtpEnvelope, size: number): void {
    const place = { host: this.endpoint.host, port: this.endpoint.port };
    const limit = this.maxSize;
    if (limit !== null && size > limit) {
      throw new SubmitError(
        new HomingError('MESSAGE_TOO_LARGE', `The message is ${formatBytes(size)}; ${this.endpoint.host} takes at most ${formatBytes(limit)}. Nothing was sent.`, {
          ...place,
          size,
          limit,
          fix: 'check-settings',
          hint: 'Send large files another way (a link), or split them over several messages.',
        }),
        'not-sent',
      );
    }
    const international = [envelope.from, ...envelope.to].filter((address) => needsSmtpUtf8(address));
    if (international.length > 0 && !this.supports('SMTPUTF8')) {
      throw new SubmitError(
        new HomingError('SMTPUTF8_UNSUPPORTED', `${this.endpoint.host} cannot take ${international.join(', ')}: the part before the @ has non-ASCII letters, and the server does not offer SMTPUTF8. Nothing was sent.`, {
          ...place,
          addresses: international,
          fix: 'check-settings',
        }),
        'not-sent',
      );
    }
  }

  /** QUIT, politely; the socket is closed either way. */
  async quit(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.connection.close();
        resolve();
      }, Math.min(this.timeouts.commandMs, 5_000));
      this.connection.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      this.connection.quit();
    });
  }

  close(): void {
    this.closed = true;
    this.connection.close();
  }

  private get connectionIsSecure(): boolean {
    return this.connection.secure;
  }

  private get where() {
    return { host: this.endpoint.host, port: this.endpoint.port, security: this.endpoint.security };
  }
}

/** EHLO keywords from nodemailer's last reply (`250-mail.example.org\n250-PIPELINING\n250 SIZE 10240000`). */
export function parseEhlo(reply: string): string[] {
  return reply
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.replace(/^\d{3}[ -]?/, '').trim().toUpperCase())
    .filter(Boolean);
}

/**
 * The message as a stream of chunks that calls `onLast` just before it ends: nodemailer writes the
 * terminating dot only after its source has ended, so anything recorded in `onLast` happens before the
 * server can have received a complete message.
 */
function messageStream(message: Buffer, onLast: () => void): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= message.length) {
        onLast();
        this.push(null);
        return;
      }
      const end = Math.min(message.length, offset + SMTP_LIMITS.writeChunkBytes);
      this.push(message.subarray(offset, end));
      offset = end;
    },
  });
}

function hasEightBit(message: Buffer): boolean {
  for (const byte of message) if (byte > 0x7f) return true;
  return false;
}

/** A non-ASCII local part needs SMTPUTF8; a non-ASCII domain alone goes as its A-label (see smtpAddress). */
export function needsSmtpUtf8(address: string): boolean {
  const at = address.lastIndexOf('@');
  return isNonAscii(at >= 0 ? address.slice(0, at) : address);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB (${bytes} bytes)`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB (${bytes} bytes)`;
  return `${bytes} bytes`;
}

/**
 * An address as it goes into MAIL FROM/RCPT TO: a non-ASCII domain as its A-label (RFC 5890), so only a
 * non-ASCII local part needs SMTPUTF8. A domain that has no A-label is left as it is (the server decides).
 */
export function smtpAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  if (!isNonAscii(domain)) return address;
  const ascii = domainToASCII(domain);
  return ascii ? `${address.slice(0, at)}@${ascii}` : address;
}

function isNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}

/**
 * Servers that check the sender late (Postfix's default smtpd_delay_reject) refuse it in their reply to
 * RCPT TO, naming the sender's address in angle brackets instead of the recipient's: "553 5.7.1
 * <mallory@example.org>: Sender address rejected". When every refusal names the sender that way, it is the
 * sender that was refused, whatever command carried the reply.
 */
function senderRefusedAtRcpt(error: HomingError, sender: string): HomingError {
  if (error.code === 'SENDER_REFUSED' && error.detail?.sender === undefined) {
    // Refused at MAIL FROM: say which address.
    const said = typeof error.detail?.response === 'string' ? ` The server said: ${error.detail.response}` : '';
    return new HomingError('SENDER_REFUSED', `${error.detail?.host ?? 'The server'} refused the sender address ${sender}.${said}`, { ...error.detail, sender });
  }
  if (error.code !== 'RECIPIENT_REFUSED') return error;
  const rejected = (error.detail?.rejected ?? []) as Array<{ address: string; response: string; responseCode: number | null }>;
  const named = `<${sender.toLowerCase()}>`;
  if (rejected.length === 0 || !rejected.every((r) => r.response.toLowerCase().includes(named) && r.address.toLowerCase() !== sender.toLowerCase())) return error;
  const response = rejected[0]!.response;
  return new HomingError('SENDER_REFUSED', `${error.detail?.host ?? 'The server'} refused the sender address ${sender}. The server said: ${response}`, {
    ...error.detail,
    sender,
    response,
    responseCode: rejected[0]!.responseCode,
    hint: 'Send from the address of this account, or ask your provider which sender addresses you may use.',
  });
}

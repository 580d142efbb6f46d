import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { TLSSocket } from 'node:tls';
import { HomingError } from '../../../shared/errors';
import { mapNetworkError } from '../../net/network-errors';
import { SMTP_LIMITS } from './limits';

/** One SMTP reply (RFC 5321 section 4.2): its code and its lines' texts. */
export interface SmtpReply {
  code: number;
  lines: string[];
}

/**
 * Reads whole SMTP replies (`250-…` continuation lines up to the `250 …` last one) from a socket, for the
 * few exchanges Homing makes before handing the connection to nodemailer (the greeting and EHLO before
 * STARTTLS). Detaches cleanly so no byte is lost or left listening.
 */
export class SmtpReplyReader {
  private buffer = '';
  private readonly decoder = new StringDecoder('utf8');
  private failure: HomingError | null = null;
  private wake: (() => void) | null = null;
  private readonly onData = (chunk: Buffer) => {
    this.buffer += this.decoder.write(chunk);
    if (this.buffer.length > SMTP_LIMITS.replyBytes) {
      this.fail(new HomingError('RESPONSE_TOO_LARGE', `${this.where.host}:${this.where.port} sent a reply longer than ${SMTP_LIMITS.replyBytes} bytes.`, this.where));
    }
    this.wake?.();
  };
  private readonly onError = (error: Error) => this.fail(mapNetworkError(error, this.where, { phase: 'greeting', protocol: 'smtp' }));
  private readonly onClose = () => this.fail(new HomingError('CONNECTION_LOST', `${this.where.host}:${this.where.port} closed the connection.`, { ...this.where, fix: 'check-network' }));

  constructor(
    private readonly socket: Socket | TLSSocket,
    private readonly where: { host: string; port: number },
  ) {
    socket.on('data', this.onData).on('error', this.onError).on('close', this.onClose);
  }

  async read(timeoutMs: number, onTimeout: () => HomingError): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    const lines: string[] = [];
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end).replace(/\r$/, '');
        this.buffer = this.buffer.slice(end + 1);
        const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
        if (!match) {
          throw new HomingError('PROTOCOL_ERROR', `${this.where.host}:${this.where.port} does not answer like an SMTP server.`, { ...this.where, reply: line.slice(0, 200), fix: 'check-port' });
        }
        lines.push(match[3]!);
        if (match[2] !== '-') return { code: Number(match[1]), lines };
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.buffer.length > SMTP_LIMITS.replyLineBytes) {
        throw new HomingError('RESPONSE_TOO_LARGE', `${this.where.host}:${this.where.port} sent a line longer than ${SMTP_LIMITS.replyLineBytes} bytes.`, this.where);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw onTimeout();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  write(command: string): void {
    this.socket.write(`${command}\r\n`);
  }

  /** Stops listening. Bytes read past the last reply are an error after STARTTLS (RFC 3207 section 6: injected). */
  detach(): { leftover: string } {
    this.socket.off('data', this.onData).off('error', this.onError).off('close', this.onClose);
    const leftover = this.buffer + this.decoder.end();
    this.buffer = '';
    return { leftover };
  }

  private fail(error: HomingError): void {
    this.failure ??= error;
    this.wake?.();
  }
}

/** EHLO keywords (upper case) from the reply's lines after the first (the server's name). */
export function ehloExtensions(reply: SmtpReply): string[] {
  return reply.lines.slice(1).map((line) => line.trim().toUpperCase()).filter(Boolean);
}

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { HomingError } from '../../../shared/errors';
import { mapNetworkError, type NetworkErrorContext } from '../../net/network-errors';

/**
 * A socket read line by line (CRLF), for the few exchanges of a probe. Text is decoded with
 * `setEncoding('utf8')` (never chunk by chunk); every read has a deadline; lines are bounded.
 */
export class LineSocket {
  private buffer = '';
  private failure: HomingError | null = null;
  private waiter: (() => void) | null = null;
  private readonly onData = (text: string) => {
    this.buffer += text;
    if (this.buffer.length > this.maxLineBytes && !this.buffer.includes('\n')) {
      this.fail(new HomingError('RESPONSE_TOO_LARGE', `${this.where.host}:${this.where.port} sent a line longer than ${this.maxLineBytes} bytes.`, this.where));
    }
    this.wake();
  };
  private readonly onError = (error: Error) => this.fail(mapNetworkError(error, this.where, this.context()));
  private readonly onClose = () =>
    this.fail(new HomingError('CONNECTION_LOST', `${this.where.host}:${this.where.port} closed the connection.`, { ...this.where, fix: 'check-settings' }));

  constructor(
    readonly socket: Socket | TLSSocket,
    private readonly where: { host: string; port: number },
    private readonly maxLineBytes: number,
    private readonly context: () => NetworkErrorContext,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', this.onData).on('error', this.onError).on('close', this.onClose);
  }

  /** The next line without its CRLF; TIMEOUT after `timeoutMs` (`onTimeout` may supply a better error). */
  async readLine(timeoutMs: number, onTimeout?: () => HomingError): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end).replace(/\r$/, '');
        this.buffer = this.buffer.slice(end + 1);
        return line;
      }
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw onTimeout?.() ?? new HomingError('TIMEOUT', `${this.where.host}:${this.where.port} did not answer in time.`, { ...this.where, fix: 'check-network' });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  write(line: string): void {
    if (!this.failure) this.socket.write(`${line}\r\n`);
  }

  /**
   * Stops reading so the socket can be handed to TLS (STARTTLS). Anything the server sent after its "go
   * ahead" would be read as if it came over TLS: that is the STARTTLS injection attack (CVE-2011-0411 and
   * kin), so such bytes end the probe.
   */
  detach(): Socket {
    this.socket.off('data', this.onData).off('error', this.onError).off('close', this.onClose);
    if (this.buffer.length > 0) {
      this.socket.destroy();
      throw new HomingError('TLS_FAILED', `${this.where.host}:${this.where.port} sent data before the TLS handshake: the connection may be tampered with.`, {
        ...this.where,
        fix: 'check-network',
      });
    }
    return this.socket as Socket;
  }

  destroy(): void {
    this.socket.off('data', this.onData).off('close', this.onClose);
    this.socket.on('error', () => undefined);
    this.socket.destroy();
  }

  private fail(error: HomingError): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    this.waiter?.();
  }
}

import { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';

/**
 * The TLS socket of a STARTTLS connection, as nodemailer's smtp-connection expects a fresh connection to
 * look: it starts by reading a 220 greeting. Homing speaks the plain part itself (greeting, EHLO,
 * STARTTLS) so that the certificate is judged before anything is written over TLS; the server's own
 * greeting from before is then replayed here, and everything else passes through untouched. nodemailer
 * then sends EHLO again, as RFC 3207 section 4.2 requires after the handshake.
 */
export class ReplayedGreeting extends Duplex {
  constructor(
    private readonly inner: TLSSocket,
    greeting: string,
  ) {
    super({ allowHalfOpen: false });
    this.push(Buffer.from(`${greeting}\r\n`, 'utf8'));
    inner.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) inner.pause();
    });
    inner.once('end', () => this.push(null));
    inner.on('error', (error) => this.destroy(error));
    inner.once('close', () => this.destroy());
    inner.on('timeout', () => this.emit('timeout'));
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.inner.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.inner.setTimeout(ms, callback);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.inner.setKeepAlive(enable, delay);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.inner.setNoDelay(noDelay);
    return this;
  }

  get localAddress(): string | undefined {
    return this.inner.localAddress;
  }
  get localPort(): number | undefined {
    return this.inner.localPort;
  }
  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }
}

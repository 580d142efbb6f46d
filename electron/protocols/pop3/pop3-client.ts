import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Security } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { mapNetworkError } from '../../net/network-errors';
import { type NetworkOverrides, tlsOptions, type TrustPolicy, verifyPeer } from '../../net/tls-trust';
import { type ApopRecord, login, type Pop3Mechanism } from './authenticate';
import { Capabilities } from './capabilities';
import type { Pop3Command, Pop3Io, SendOptions } from './command';
import { capa } from './commands/capa';
import { dele } from './commands/dele';
import { list, listEach, type ListEntry } from './commands/list';
import { noop } from './commands/noop';
import { quit } from './commands/quit';
import { retr, type RetrArgs } from './commands/retr';
import { rset } from './commands/rset';
import { stat, type StatResult } from './commands/stat';
import { stls } from './commands/stls';
import { top, type TopArgs } from './commands/top';
import { uidl, uidlEach, type UidlEntry } from './commands/uidl';
import { utf8 } from './commands/utf8';
import { POP3_LIMITS, POP3_TIMEOUTS, type Pop3Timeouts } from './limits';
import { replyError } from './pop3-errors';
import { type Expectation, ResponseReader, type StatusLine } from './response-reader';
import { SessionState } from './session-state';
import type { MessageSource } from '../../mime/message-source';

export interface Pop3ClientOptions {
  host: string;
  port: number;
  /** tls = implicit TLS (995), starttls = STLS on a plain connection (110), none = no encryption at all. */
  security: Security;
  /** SHA-256 of the certificate the user chose to trust, or null for normal verification. */
  trustedFingerprint: string | null;
  /** Tests shorten these; the defaults are in limits.ts. */
  timeouts?: Partial<Pop3Timeouts>;
  /** Name resolution and extra CAs for tests (electron/net/tls-trust.ts); production leaves it out. */
  network?: NetworkOverrides;
}

interface Outgoing {
  line: string;
  expectation: Expectation;
  pipelinable: boolean;
}

/**
 * Our POP3 client (RFC 1939, 2449, 2595, 5034): one connection, an explicit session state, commands in
 * commands/ (one file each), replies read by ResponseReader. Commands are written in the order they are
 * called; with PIPELINING the pipelinable ones go out without waiting for earlier answers, otherwise one
 * at a time. Any socket failure, timeout or unreadable reply ends the connection and fails every
 * command still waiting, with a coded error.
 *
 * `close()` drops the connection without QUIT: RFC 1939 §6 then leaves every DELE'd message on the server.
 */
export class Pop3Client {
  readonly session = new SessionState();
  readonly host: string;
  readonly port: number;
  readonly security: Security;
  /** The greeting's text (after `+OK`). */
  greeting = '';
  private caps = Capabilities.none();
  private utf8Mode = false;
  private apop: string | null = null;
  private socket: Socket | TLSSocket | null = null;
  private secure = false;
  private readonly policy: TrustPolicy;
  private readonly network: NetworkOverrides;
  private readonly timeouts: Pop3Timeouts;
  private readonly reader: ResponseReader;
  private readonly backlog: Outgoing[] = [];
  private inFlight = 0;
  private lastSentPipelinable = false;
  private timer: NodeJS.Timeout | null = null;
  private timerMs = 0;
  private paused = false;
  private ending = false;
  private failure: HomingError | null = null;
  private readonly io: Pop3Io;

  private constructor(options: Pop3ClientOptions) {
    this.host = options.host;
    this.port = options.port;
    this.security = options.security;
    this.network = options.network ?? {};
    this.policy = {
      host: options.host,
      trustedFingerprint: options.trustedFingerprint,
      ...(this.network.ca ? { ca: this.network.ca } : {}),
    };
    this.timeouts = { ...POP3_TIMEOUTS, ...options.timeouts };
    this.reader = new ResponseReader((error) => this.fatal(error));
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the io object is a view onto this client
    const client = this;
    this.io = {
      host: this.host,
      port: this.port,
      get security() {
        return client.security;
      },
      session: this.session,
      timeouts: this.timeouts,
      get capabilities() {
        return client.caps;
      },
      get apopTimestamp() {
        return client.apop;
      },
      get encrypted() {
        return client.secure;
      },
      send: (line, sendOptions) => this.send(line, sendOptions),
      upgradeToTls: () => this.upgradeToTls(),
      setCapabilities: (capabilities) => {
        this.caps = capabilities;
      },
      expectClose: () => {
        this.ending = true;
      },
      context: (command) => ({ host: this.host, port: this.port, command }),
    };
  }

  /**
   * Connects and reads the greeting, asks for CAPA, and for `starttls` upgrades with STLS (then asks for
   * CAPA again, RFC 2595 §4). Nothing is sent before the certificate is verified.
   */
  static async connect(options: Pop3ClientOptions): Promise<Pop3Client> {
    const client = new Pop3Client(options);
    try {
      await client.open();
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  get state() {
    return this.session.state;
  }

  get capabilities(): Capabilities {
    return this.caps;
  }

  /** The server accepted UTF8 (RFC 6856): messages come as stored, 8-bit headers included. */
  get utf8(): boolean {
    return this.utf8Mode;
  }

  get encrypted(): boolean {
    return this.secure;
  }

  get apopTimestamp(): string | null {
    return this.apop;
  }

  /** Runs one command after checking that the session is in a state that allows it. */
  run<A, R>(command: Pop3Command<A, R>, args: A): Promise<R> {
    try {
      this.session.require(command.name, command.states);
    } catch (error) {
      return Promise.reject(this.failure ?? error);
    }
    return command.run(this.io, args);
  }

  /** Logs in with the best mechanism the server offers (see authenticate.ts); AUTHORIZATION → TRANSACTION. */
  login(username: string, password: string, mechanism?: Pop3Mechanism, apop?: ApopRecord): Promise<Pop3Mechanism> {
    return login(this.io, username, password, mechanism, apop);
  }

  stat(): Promise<StatResult> {
    return this.run(stat, undefined);
  }
  list(): Promise<ListEntry[]> {
    return this.run(list, undefined);
  }
  uidl(): Promise<UidlEntry[]> {
    return this.run(uidl, undefined);
  }
  /** LIST, each entry handed over as it arrives (a big maildrop's listing is never held whole). */
  listEach(onEntry: (entry: ListEntry) => void): Promise<void> {
    return this.run(listEach, onEntry);
  }
  /** UIDL, each entry handed over as it arrives. */
  uidlEach(onEntry: (entry: UidlEntry) => void): Promise<void> {
    return this.run(uidlEach, onEntry);
  }
  retr(args: RetrArgs): Promise<MessageSource> {
    return this.run(retr, args);
  }
  top(args: TopArgs): Promise<MessageSource> {
    return this.run(top, args);
  }
  dele(msgno: number): Promise<void> {
    return this.run(dele, msgno);
  }
  rset(): Promise<void> {
    return this.run(rset, undefined);
  }
  noop(): Promise<void> {
    return this.run(noop, undefined);
  }
  /** Ends the session; in TRANSACTION this is when the server applies the DELEs (RFC 1939 §6). */
  async quit(): Promise<void> {
    try {
      await this.run(quit, undefined);
    } finally {
      // The server closes after answering; do not wait for it (a QUIT that failed leaves nothing to keep).
      this.ending = true;
      this.close();
    }
  }

  /** Drops the connection without QUIT (nothing DELE'd is removed). Safe to call more than once. */
  close(): void {
    this.fatal(new HomingError('CONNECTION_LOST', `The POP3 connection to ${this.host}:${this.port} is closed.`));
  }

  private async open(): Promise<void> {
    const greeting = this.send('', { shown: '(greeting)', sendNothing: true });
    greeting.catch(() => undefined); // awaited below; a failed connect reports its own error first
    await this.openTransport();
    const status = await greeting;
    if (status.kind !== 'ok') throw replyError(status, this.io.context('(greeting)'));
    this.greeting = status.text;
    // RFC 1939 §7: an APOP-capable server puts a msg-id style timestamp in its greeting.
    this.apop = /<[^<>\s]+>/.exec(status.text)?.[0] ?? null;
    this.session.to('AUTHORIZATION');
    await this.run(capa, undefined);
    if (this.security === 'starttls') await this.run(stls, undefined);
    // After STLS (its CAPA is the one that counts), before login: RFC 6856 UTF8 mode, so that a message
    // with 8-bit headers comes as stored (commands/utf8.ts).
    this.utf8Mode = await this.run(utf8, undefined);
  }

  private openTransport(): Promise<void> {
    const where = { host: this.host, port: this.port };
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: HomingError | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('error', onError);
        if (error) {
          socket.destroy();
          reject(error);
          return;
        }
        this.attach(socket);
        resolve();
      };
      const onError = (error: Error) => finish(mapNetworkError(error, where));
      const implicitTls = this.security === 'tls';
      const lookup = this.network.lookup ? { lookup: this.network.lookup } : {};
      const socket: Socket | TLSSocket = implicitTls
        ? tlsConnect({ host: this.host, port: this.port, ...lookup, ...tlsOptions(this.policy) })
        : tcpConnect({ host: this.host, port: this.port, ...lookup });
      // A server that took the connection and then said nothing in the TLS handshake is not one that never
      // accepted it: the port is open (an overloaded or hung server, or a port that does not speak TLS).
      let accepted = false;
      socket.once('connect', () => (accepted = true));
      const timer = setTimeout(() => {
        const seconds = this.timeouts.connectMs / 1000;
        const message = accepted
          ? `${this.host}:${this.port} accepted the connection but did not complete the TLS handshake within ${seconds} s (the server may be hung or overloaded, or the port may not be a TLS port).`
          : `${this.host}:${this.port} did not accept a connection within ${seconds} s.`;
        finish(new HomingError('TIMEOUT', message, { ...where, timeoutMs: this.timeouts.connectMs, ...(accepted ? { stage: 'tls-handshake' } : {}) }));
      }, this.timeouts.connectMs);
      socket.on('error', onError);
      if (implicitTls) {
        socket.once('secureConnect', () => {
          // Decide on the certificate before anything is read or written (electron/net/tls-trust.ts).
          const refused = verifyPeer(socket as TLSSocket, this.policy);
          if (!refused) this.secure = true;
          finish(refused);
        });
      } else {
        socket.once('connect', () => finish(null));
      }
    });
  }

  private attach(socket: Socket | TLSSocket): void {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    this.armTimer();
  }

  private detach(socket: Socket | TLSSocket): void {
    socket.off('data', this.onData);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
  }

  private readonly onData = (chunk: Buffer) => {
    this.reader.push(chunk);
    const wait = this.reader.takeDrainWait();
    if (wait && this.socket) {
      // A temp file cannot keep up: stop reading (TCP pushes back on the server) and stop the idle clock.
      const socket = this.socket;
      socket.pause();
      this.paused = true;
      this.clearTimer();
      void wait.then(() => {
        this.paused = false;
        if (this.socket === socket && !this.failure) {
          socket.resume();
          this.armTimer();
        }
      });
      return;
    }
    this.armTimer();
  };

  private readonly onError = (error: Error) => {
    this.fatal(mapNetworkError(error, { host: this.host, port: this.port }));
  };

  private readonly onClose = () => {
    if (this.ending && this.reader.waiting === 0) {
      // The expected end after QUIT.
      this.failure ??= new HomingError('CONNECTION_LOST', `The POP3 session with ${this.host}:${this.port} has ended.`);
      this.clearTimer();
      this.session.to('CLOSED');
      return;
    }
    const during = this.reader.head?.command;
    this.fatal(
      new HomingError(
        'CONNECTION_LOST',
        `The connection to ${this.host}:${this.port} was cut${during ? ` while waiting for the answer to ${during.split(' ')[0]}` : ''}.`,
        { host: this.host, port: this.port, command: during ?? null },
      ),
    );
  };

  /** Ends the connection for good: every command still waiting fails with `error`. */
  private fatal(error: HomingError): void {
    if (this.failure && this.session.state === 'CLOSED') return;
    this.failure ??= error;
    this.clearTimer();
    if (this.session.state !== 'CLOSED') this.session.to('CLOSED');
    this.reader.fail(error);
    for (const outgoing of this.backlog.splice(0)) {
      outgoing.expectation.consumer?.abort(error);
      outgoing.expectation.reject(error);
    }
    this.socket?.destroy();
  }

  private send(line: string, options: SendOptions & { sendNothing?: boolean } = {}): Promise<StatusLine> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\r\n\0]/.test(line)) {
      return Promise.reject(new HomingError('INVALID_ARGUMENT', 'A POP3 command argument may not contain line breaks or NUL.'));
    }
    return new Promise((resolve, reject) => {
      const expectation: Expectation = {
        command: options.shown ?? line,
        multiline: options.multiline ?? false,
        allowContinuation: options.continuation ?? false,
        maxBodyBytes: options.maxBodyBytes ?? POP3_LIMITS.listingBytes,
        consumer: options.consumer ?? null,
        timeoutMs: options.timeoutMs ?? this.timeouts.commandMs,
        resolve: (status) => {
          this.inFlight -= 1;
          resolve(status);
          this.pump();
          this.armTimer();
        },
        reject,
      };
      if (options.sendNothing) {
        // The greeting: expected before anything is sent.
        this.inFlight += 1;
        this.reader.expect(expectation);
        return;
      }
      this.backlog.push({ line, expectation, pipelinable: options.pipelinable ?? false });
      this.pump();
    });
  }

  /** Writes what may go out now: everything pipelinable with PIPELINING, else the next command when idle. */
  private pump(): void {
    const socket = this.socket;
    if (!socket || this.failure) return;
    let corked = false;
    while (this.backlog.length > 0) {
      const next = this.backlog[0]!;
      const mayPipeline = this.caps.has('PIPELINING') && next.pipelinable && this.lastSentPipelinable;
      if (this.inFlight > 0 && !mayPipeline) break;
      this.backlog.shift();
      this.inFlight += 1;
      this.lastSentPipelinable = next.pipelinable;
      this.reader.expect(next.expectation);
      if (!corked) {
        socket.cork();
        corked = true;
      }
      socket.write(`${next.line}\r\n`, 'utf8');
      if (this.inFlight === 1) this.armTimer();
    }
    if (corked) process.nextTick(() => socket.uncork());
  }

  private armTimer(): void {
    const head = this.reader.head;
    if (!head || this.paused || this.failure) {
      this.clearTimer();
      return;
    }
    if (this.timer && this.timerMs === head.timeoutMs) {
      this.timer.refresh();
      return;
    }
    this.clearTimer();
    this.timerMs = head.timeoutMs;
    this.timer = setTimeout(() => {
      const waitingFor = this.reader.head?.command ?? head.command;
      const verb = waitingFor.split(' ')[0];
      this.fatal(
        new HomingError(
          'TIMEOUT',
          `${this.host}:${this.port} did not answer ${verb === '(greeting)' ? 'with a greeting (is the security setting right for this port?)' : verb} within ${
            this.timerMs / 1000
          } s.`,
          { host: this.host, port: this.port, command: waitingFor, timeoutMs: this.timerMs },
        ),
      );
    }, head.timeoutMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** RFC 2595 §4: after `+OK` to STLS, the TLS handshake starts on the same connection. */
  private async upgradeToTls(): Promise<void> {
    const plain = this.socket;
    if (!plain || this.failure) throw this.failure ?? new HomingError('CONNECTION_LOST', 'The POP3 connection is closed.');
    if (this.reader.unconsumedBytes > 0) {
      // Anything the server sent after its STLS answer came before encryption: it could have been injected
      // by someone in the middle (CVE-2011-0411). Never act on it.
      const error = new HomingError('PROTOCOL_ERROR', `${this.host}:${this.port} sent data after agreeing to STLS; the connection was dropped for safety.`, {
        host: this.host,
        port: this.port,
      });
      this.fatal(error);
      throw error;
    }
    this.detach(plain);
    this.socket = null;
    const where = { host: this.host, port: this.port };
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const socket = tlsConnect({ socket: plain, ...tlsOptions(this.policy) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new HomingError('TIMEOUT', `The TLS handshake with ${this.host}:${this.port} did not finish within ${this.timeouts.commandMs / 1000} s.`, where));
      }, this.timeouts.commandMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(mapNetworkError(error, where));
      });
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        const refused = verifyPeer(socket, this.policy);
        if (refused) {
          socket.destroy();
          reject(refused);
          return;
        }
        socket.removeAllListeners('error');
        resolve(socket);
      });
    }).catch((error: HomingError) => {
      plain.destroy();
      this.fatal(error);
      throw error;
    });
    this.secure = true;
    this.attach(secure);
  }
}

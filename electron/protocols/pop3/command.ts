import type { Security } from '../../../shared/contract/accounts';
import type { Capabilities } from './capabilities';
import type { Pop3Timeouts } from './limits';
import type { ReplyContext } from './pop3-errors';
import type { BodyConsumer, StatusLine } from './response-reader';
import type { Pop3State, SessionState } from './session-state';

export interface SendOptions {
  /** The command as it may appear in errors and logs; required whenever the line carries a secret. */
  shown?: string;
  /** A positive answer carries a body (CAPA, LIST, UIDL, RETR, TOP). */
  multiline?: boolean;
  /** Where the body goes; without one it is read and dropped. */
  consumer?: BodyConsumer;
  maxBodyBytes?: number;
  /** Silence allowed while waiting for this answer (default: the command timeout). */
  timeoutMs?: number;
  /** SASL: a `+ challenge` is an acceptable answer. */
  continuation?: boolean;
  /**
   * May go out before earlier answers arrive when the server offers PIPELINING (RFC 2449 §6.6). Only
   * commands that do not change the session state are marked so (RETR, DELE, TOP, LIST, UIDL, NOOP).
   */
  pipelinable?: boolean;
}

/** What a command file sees of the connection. */
export interface Pop3Io {
  readonly host: string;
  readonly port: number;
  readonly security: Security;
  readonly session: SessionState;
  readonly capabilities: Capabilities;
  /** The APOP timestamp of the greeting (`<…@…>`), if the server sent one (RFC 1939 §7). */
  readonly apopTimestamp: string | null;
  /** True once the connection is TLS (implicit, or after STLS). */
  readonly encrypted: boolean;
  readonly timeouts: Pop3Timeouts;
  /** Sends one command line (without CRLF) and resolves with its status line (after the body, if any). */
  send(line: string, options?: SendOptions): Promise<StatusLine>;
  /** Upgrades the connection to TLS after a positive STLS reply (RFC 2595 §4). */
  upgradeToTls(): Promise<void>;
  setCapabilities(capabilities: Capabilities): void;
  /** QUIT was sent: the server closing the connection after answering is the normal end. */
  expectClose(): void;
  /** For errors about a reply to `command`. */
  context(command: string): ReplyContext;
}

/**
 * One POP3 command, in its own file under commands/: the wire syntax, the states it is allowed in and
 * how its reply is read. The client checks the state before `run` (imapflow's pattern).
 */
export interface Pop3Command<A, R> {
  readonly name: string;
  readonly states: readonly Pop3State[];
  run(io: Pop3Io, args: A): Promise<R>;
}

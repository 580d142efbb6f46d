import type { Protocol } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { checkGreeting } from '../../protocols/smtp/open-socket';
import { accountLimits } from '../limits';
import type { LineSocket } from './line-socket';

/** What a probe can talk to: the incoming protocols, and SMTP submission for the outgoing server. */
export type ProbeProtocol = Protocol | 'smtp';

/** The usual ports of each protocol, to phrase suggestions (IANA; RFC 8314 for 465). */
export const usualPorts: Record<ProbeProtocol, { tls: number; starttls: number }> = {
  imap: { tls: 993, starttls: 143 },
  pop3: { tls: 995, starttls: 110 },
  smtp: { tls: 465, starttls: 587 },
};

/**
 * The few words of IMAP, POP3 and SMTP a probe speaks: read the greeting, ask for capabilities, start TLS,
 * say goodbye. No login: that is the protocol clients' job (sync/imap, sync/pop3).
 */
export interface Dialogue {
  readonly protocol: ProbeProtocol;
  /** Checks the greeting; returns capabilities it announced (IMAP's `[CAPABILITY …]`) or null. */
  greeting(line: string, where: Where): string[] | null;
  /** Reads the rest of a greeting that spans several lines (SMTP's `220-`), before anything is sent. */
  finishGreeting?(socket: LineSocket, first: string, timeoutMs: number): Promise<void>;
  capabilities(socket: LineSocket, timeoutMs: number): Promise<string[]>;
  offersStartTls(capabilities: string[]): boolean;
  /** Sends STARTTLS/STLS and waits for the go-ahead; the caller then hands the socket to TLS. */
  startTls(socket: LineSocket, timeoutMs: number): Promise<void>;
  quit(socket: LineSocket): void;
}

interface Where {
  host: string;
  port: number;
}

/** RFC 3501: `* OK [CAPABILITY …]`, tagged commands, STARTTLS (section 6.2.1). */
export const imapDialogue: Dialogue = {
  protocol: 'imap',
  greeting(line, where) {
    if (/^\* (OK|PREAUTH)\b/i.test(line)) {
      const announced = /\[CAPABILITY ([^\]]*)\]/i.exec(line);
      return announced ? splitCapabilities(announced[1]!) : null;
    }
    if (/^\* BYE\b/i.test(line)) {
      throw new HomingError('SERVER_ERROR', `${where.host}:${where.port} turned the connection away: ${line.slice(6).trim()}`, { ...where, serverResponse: line, fix: 'check-settings' });
    }
    throw wrongProtocol('imap', line, where);
  },
  async capabilities(socket, timeoutMs) {
    socket.write('P1 CAPABILITY');
    const found: string[] = [];
    for (;;) {
      const line = await socket.readLine(timeoutMs);
      const untagged = /^\* CAPABILITY (.*)$/i.exec(line);
      if (untagged) found.push(...splitCapabilities(untagged[1]!));
      else if (/^P1 OK\b/i.test(line)) return found;
      else if (/^P1 (NO|BAD)\b/i.test(line)) return found;
    }
  },
  offersStartTls: (capabilities) => capabilities.includes('STARTTLS'),
  async startTls(socket, timeoutMs) {
    socket.write('P2 STARTTLS');
    for (;;) {
      const line = await socket.readLine(timeoutMs);
      if (/^P2 OK\b/i.test(line)) return;
      if (/^P2 (NO|BAD)\b/i.test(line)) throw new HomingError('TLS_FAILED', `The server refused STARTTLS: ${line.slice(3)}`, { serverResponse: line, fix: 'switch-security' });
    }
  },
  quit(socket) {
    socket.write('P9 LOGOUT');
  },
};

/** RFC 1939 greeting, RFC 2449 CAPA, RFC 2595 STLS. */
export const pop3Dialogue: Dialogue = {
  protocol: 'pop3',
  greeting(line, where) {
    if (/^\+OK\b/i.test(line)) return null;
    if (/^-ERR\b/i.test(line)) {
      const inUse = /\[IN-USE\]/i.test(line);
      throw new HomingError(inUse ? 'MAILBOX_LOCKED' : 'SERVER_ERROR', `${where.host}:${where.port} turned the connection away: ${line.slice(4).trim()}`, {
        ...where,
        serverResponse: line,
        fix: inUse ? 'wait-and-retry' : 'check-settings',
      });
    }
    throw wrongProtocol('pop3', line, where);
  },
  async capabilities(socket, timeoutMs) {
    socket.write('CAPA');
    const status = await socket.readLine(timeoutMs);
    // A server without CAPA (plain RFC 1939) says -ERR: it simply announces nothing.
    if (!/^\+OK\b/i.test(status)) return [];
    const found: string[] = [];
    for (let i = 0; i < accountLimits.maxCapaLines; i++) {
      const line = await socket.readLine(timeoutMs);
      if (line === '.') return found;
      const word = line.replace(/^\.\./, '.').trim();
      if (word) found.push(word.toUpperCase());
    }
    throw new HomingError('PROTOCOL_ERROR', 'The server sent an endless capability list.');
  },
  offersStartTls: (capabilities) => capabilities.some((c) => c === 'STLS'),
  async startTls(socket, timeoutMs) {
    socket.write('STLS');
    const line = await socket.readLine(timeoutMs);
    if (!/^\+OK\b/i.test(line)) throw new HomingError('TLS_FAILED', `The server refused STLS: ${line}`, { serverResponse: line, fix: 'switch-security' });
  },
  quit(socket) {
    socket.write('QUIT');
  },
};

/** RFC 5321 greeting and EHLO, RFC 3207 STARTTLS; the EHLO keywords are the capabilities. */
export const smtpDialogue: Dialogue = {
  protocol: 'smtp',
  greeting(line, where) {
    const match = /^(\d{3})[ -]?(.*)$/.exec(line);
    if (!match) throw wrongProtocol('smtp', line, where);
    checkGreeting(Number(match[1]), match[2] ?? '', where);
    return null;
  },
  async finishGreeting(socket, first, timeoutMs) {
    let line = first;
    for (let i = 0; /^\d{3}-/.test(line); i++) {
      if (i >= accountLimits.maxCapaLines) throw new HomingError('PROTOCOL_ERROR', 'The server sent an endless greeting.');
      line = await socket.readLine(timeoutMs);
    }
  },
  async capabilities(socket, timeoutMs) {
    // The probe is not a mail client: an address literal says nothing about this computer.
    socket.write('EHLO [127.0.0.1]');
    const found: string[] = [];
    for (let i = 0; i < accountLimits.maxCapaLines; i++) {
      const line = await socket.readLine(timeoutMs);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) throw new HomingError('PROTOCOL_ERROR', 'The server answered EHLO with something that is not SMTP.', { reply: line.slice(0, 200) });
      // The first line names the server; the rest are extension keywords. A refused EHLO announces nothing.
      if (i > 0 && match[1] === '250') found.push(match[3]!.trim().toUpperCase());
      if (match[2] !== '-') return found;
    }
    throw new HomingError('PROTOCOL_ERROR', 'The server sent an endless EHLO reply.');
  },
  offersStartTls: (capabilities) => capabilities.includes('STARTTLS'),
  async startTls(socket, timeoutMs) {
    socket.write('STARTTLS');
    const line = await socket.readLine(timeoutMs);
    if (!/^220\b/.test(line)) throw new HomingError('TLS_FAILED', `The server refused STARTTLS: ${line}`, { serverResponse: line, fix: 'switch-security' });
  },
  quit(socket) {
    socket.write('QUIT');
  },
};

export const dialogueFor = (protocol: ProbeProtocol): Dialogue => (protocol === 'imap' ? imapDialogue : protocol === 'pop3' ? pop3Dialogue : smtpDialogue);

function splitCapabilities(text: string): string[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((c) => c.toUpperCase());
}

/**
 * A greeting in another protocol: the port belongs to another service. Naming it helps more than
 * "unexpected reply" (IMAP's 143 and POP3's 110 are mixed up often, SMTP's 25/465/587 sometimes).
 */
function wrongProtocol(expected: ProbeProtocol, line: string, where: Where): HomingError {
  const heard = /^\* (OK|PREAUTH|BYE)\b/i.test(line)
    ? 'IMAP'
    : /^[+-](OK|ERR)\b/i.test(line)
      ? 'POP3'
      : /^2\d\d[ -]/.test(line)
        ? 'SMTP (sending mail)'
        : /^HTTP\/|^<(!doctype|html)/i.test(line)
          ? 'HTTP'
          : null;
  const want = expected === 'imap' ? 'IMAP' : expected === 'pop3' ? 'POP3' : 'SMTP';
  const message = heard
    ? `Port ${where.port} on ${where.host} is a${/^[IHS]/.test(heard) ? 'n' : ''} ${heard} server, not ${want}.`
    : `${where.host}:${where.port} does not answer like a${want === 'IMAP' ? 'n' : ''} ${want} server.`;
  const ports = usualPorts[expected];
  return new HomingError('PROTOCOL_ERROR', `${message} ${want} uses ${ports.tls} (SSL/TLS) or ${ports.starttls} (STARTTLS).`, {
    ...where,
    heard: heard ?? null,
    greeting: line.slice(0, 200),
    fix: 'check-port',
  });
}

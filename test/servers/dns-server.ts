import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * A small authoritative DNS server on 127.0.0.1 (UDP) for test names, so Node's `dns.Resolver` pointed at
 * it with `setServers()` never asks the outside world. It answers A, AAAA, MX and SRV from a zone given
 * by the test, NXDOMAIN for every other name, and can stay silent (timeouts) or fail (SERVFAIL) per name.
 * RFC 1035 section 4 message format; no compression on output except the pointer to the question.
 */
export interface SrvAnswer {
  priority: number;
  weight: number;
  port: number;
  /** `.` means "no such service here" (RFC 2782). */
  target: string;
}

export interface ZoneRecords {
  A?: string[];
  AAAA?: string[];
  MX?: Array<{ priority: number; exchange: string }>;
  SRV?: SrvAnswer[];
}

export interface DnsServer {
  readonly port: number;
  /** `127.0.0.1:PORT`, ready for `Resolver.setServers()`. */
  readonly address: string;
  /** Names and their records (names case-insensitive, without a trailing dot). Edit freely between tests. */
  readonly zone: Map<string, ZoneRecords>;
  /** Names whose queries get no answer at all (the resolver times out). */
  readonly silent: Set<string>;
  /** Names answered with SERVFAIL. */
  readonly failing: Set<string>;
  /** Every question asked, as `TYPE name`, in order. */
  readonly queries: string[];
  set(name: string, records: ZoneRecords): void;
  close(): Promise<void>;
}

const TYPES: Record<number, keyof ZoneRecords | 'OTHER'> = { 1: 'A', 28: 'AAAA', 15: 'MX', 33: 'SRV' };

export async function startDnsServer(zone: Record<string, ZoneRecords> = {}): Promise<DnsServer> {
  const socket: Socket = createSocket('udp4');
  const records = new Map<string, ZoneRecords>(Object.entries(zone).map(([name, r]) => [normalise(name), r]));
  const silent = new Set<string>();
  const failing = new Set<string>();
  const queries: string[] = [];

  socket.on('message', (message: Buffer, remote: RemoteInfo) => {
    let question: { id: number; flags: number; name: string; type: number; end: number };
    try {
      question = parseQuestion(message);
    } catch {
      return; // Not a query we understand: say nothing, as a real server drops garbage.
    }
    const name = normalise(question.name);
    queries.push(`${TYPES[question.type] ?? question.type} ${name}`);
    if (silent.has(name)) return;
    const known = records.get(name);
    const rcode = failing.has(name) ? 2 : known ? 0 : 3; // SERVFAIL, NOERROR, NXDOMAIN
    const answers = rcode === 0 && known ? encodeAnswers(known, TYPES[question.type]) : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(question.id, 0);
    // QR=1, opcode copied, AA=1, RD copied, RA=1, rcode.
    header.writeUInt16BE(0x8000 | (question.flags & 0x7800) | 0x0400 | (question.flags & 0x0100) | 0x0080 | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const reply = Buffer.concat([header, message.subarray(12, question.end), ...answers]);
    socket.send(reply, remote.port, remote.address);
  });

  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    zone: records,
    silent,
    failing,
    queries,
    set(name, r) {
      records.set(normalise(name), r);
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function parseQuestion(message: Buffer) {
  if (message.length < 17) throw new Error('short');
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  if (message.readUInt16BE(4) !== 1) throw new Error('one question expected');
  const labels: string[] = [];
  let offset = 12;
  for (;;) {
    const length = message[offset];
    if (length === undefined || length > 63) throw new Error('bad label');
    offset += 1;
    if (length === 0) break;
    labels.push(message.toString('latin1', offset, offset + length));
    offset += length;
  }
  const type = message.readUInt16BE(offset);
  return { id, flags, name: labels.join('.'), type, end: offset + 4 };
}

function encodeName(name: string): Buffer {
  if (name === '.' || name === '') return Buffer.from([0]);
  const parts = normalise(name)
    .split('.')
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** One resource record whose owner is the question's name (a pointer to offset 12). */
function record(type: number, data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(60, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

function encodeAnswers(known: ZoneRecords, type: keyof ZoneRecords | 'OTHER' | undefined): Buffer[] {
  switch (type) {
    case 'A':
      return (known.A ?? []).filter((a) => isIPv4(a)).map((a) => record(1, Buffer.from(a.split('.').map(Number))));
    case 'AAAA':
      return (known.AAAA ?? []).filter((a) => isIPv6(a)).map((a) => record(28, ipv6Bytes(a)));
    case 'MX':
      return (known.MX ?? []).map((mx) => {
        const pref = Buffer.alloc(2);
        pref.writeUInt16BE(mx.priority, 0);
        return record(15, Buffer.concat([pref, encodeName(mx.exchange)]));
      });
    case 'SRV':
      return (known.SRV ?? []).map((srv) => {
        const fixed = Buffer.alloc(6);
        fixed.writeUInt16BE(srv.priority, 0);
        fixed.writeUInt16BE(srv.weight, 2);
        fixed.writeUInt16BE(srv.port, 4);
        return record(33, Buffer.concat([fixed, encodeName(srv.target)]));
      });
    default:
      return [];
  }
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group || '0', 16), i * 2));
  return bytes;
}

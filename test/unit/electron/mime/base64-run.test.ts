import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readBase64, type Base64Run } from '../../../../electron/mime/base64-run';
import { seededRandom } from '../../../helpers/seeded-random';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The rule, one byte at a time: what the word-at-a-time loop must give on every input. */
function byteByByte(buf: Buffer, start: number, end: number): Base64Run | null {
  let n = 0;
  let i = start;
  for (; i < end; i++) {
    const ch = String.fromCharCode(buf[i]!);
    if (ALPHABET.includes(ch)) n++;
    else if (ch !== '\r' && ch !== '\n') break;
  }
  if (i < end && buf[i] === 0x3d) {
    for (; i < end && (buf[i] === 0x3d || buf[i] === 0x0d || buf[i] === 0x0a); i++);
    if (i < end && ALPHABET.includes(String.fromCharCode(buf[i]!))) return null;
  }
  if (n % 4 === 1) return null;
  return { stop: i, decodedSize: Math.floor((n * 3) / 4) };
}

/** `bytes` copied to `offset` bytes into a fresh memory block: the Buffer's start is then aligned that way. */
function placedAt(bytes: Buffer, offset: number, slack = 0): Buffer {
  const memory = Buffer.alloc(offset + bytes.length + slack);
  bytes.copy(memory, offset);
  return memory.subarray(offset, offset + bytes.length);
}

describe('readBase64', () => {
  it('gives what a byte-by-byte reading gives, at every alignment of the buffer and of start and end', () => {
    const random = seededRandom(20261127);
    for (let round = 0; round < 30_000; round++) {
      const length = random.int(0, 48);
      let text = '';
      for (let k = 0; k < length; k++) {
        const r = random.next();
        text +=
          r < 0.8 ? random.pick([...ALPHABET]) : r < 0.87 ? '\r' : r < 0.94 ? '\n' : r < 0.97 ? '=' : String.fromCharCode(random.int(0, 256));
      }
      const buf = placedAt(Buffer.from(text, 'latin1'), random.int(0, 8), random.int(0, 3));
      const start = random.int(0, Math.min(4, buf.length) + 1);
      const end = Math.max(start, buf.length - random.int(0, 4));
      expect(readBase64(buf, start, end), JSON.stringify({ text, offset: buf.byteOffset, start, end })).toEqual(byteByByte(buf, start, end));
    }
  });

  it('reads a whole attachment body up to its delimiter, wherever it starts in memory', () => {
    const body = randomBytes(150_001).toString('base64').replace(/.{76}/g, '$&\r\n');
    const part = Buffer.from(`\r\n${body}\r\n--boundary--\r\n`);
    for (let offset = 0; offset < 8; offset++) {
      const buf = placedAt(part, offset);
      expect(readBase64(buf, 2, buf.length)).toEqual({ stop: 2 + body.length + 2, decodedSize: 150_001 });
    }
  });

  it('stops at padding followed by more base64 (decoders differ there) and at a count that cannot decode whole', () => {
    expect(readBase64(Buffer.from('QUJD\r\nRA==\r\nQUJD\r\n'), 0, 18)).toBeNull();
    expect(readBase64(Buffer.from('QUJDR\r\n-'), 0, 8)).toBeNull();
    expect(readBase64(Buffer.from('QUJDRA==\r\n\r\n--b'), 0, 15)).toEqual({ stop: 12, decodedSize: 4 });
  });

  it('takes an empty buffer at the very end of its memory', () => {
    const memory = Buffer.alloc(9);
    expect(readBase64(memory.subarray(9), 0, 0)).toEqual({ stop: 0, decodedSize: 0 });
    expect(readBase64(memory.subarray(7, 9).fill(0x41), 0, 2)).toEqual({ stop: 2, decodedSize: 1 });
  });
});

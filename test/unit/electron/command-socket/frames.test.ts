import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader } from '../../../../electron/command-socket/frames';

const bytes = (messages: unknown[]) => Buffer.concat(messages.flatMap((m) => encodeFrame(m, 1024)));

describe('command socket frames', () => {
  it('reads frames split at every byte, and several in one chunk, in order', () => {
    const messages = [{ type: 'hello', token: 'é'.repeat(10) }, { n: 1 }, [], 'text', { nested: { a: [1, 2, 3] } }];
    const all = bytes(messages);
    const byByte = new FrameReader(1024);
    const out: unknown[] = [];
    for (const byte of all) {
      byByte.push(Buffer.from([byte]));
      for (let frame = byByte.next(); frame; frame = byByte.next()) out.push(frame.value);
    }
    expect(out).toEqual(messages);
    const whole = new FrameReader(1024);
    whole.push(all);
    const again: unknown[] = [];
    for (let frame = whole.next(); frame; frame = whole.next()) again.push(frame.value);
    expect(again).toEqual(messages);
  });

  it('refuses a frame over the limit from its header, before its body arrives', () => {
    const reader = new FrameReader(100);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(101, 0);
    reader.push(head);
    expect(() => reader.next()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('over the command socket') }));
  });

  it('applies a raised limit from the next frame on (small until the hello, larger after)', () => {
    const reader = new FrameReader(20);
    reader.push(bytes([{ a: 1 }, { long: 'x'.repeat(50) }]));
    expect(reader.next()).toEqual({ value: { a: 1 } });
    reader.maxBytes = 1024;
    expect(reader.next()).toEqual({ value: { long: 'x'.repeat(50) } });
  });

  it('refuses a frame that is not JSON', () => {
    const reader = new FrameReader(100);
    const body = Buffer.from('{"type":');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length, 0);
    reader.push(Buffer.concat([head, body]));
    expect(() => reader.next()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('not JSON') }));
  });

  it('will not encode a frame over the limit', () => {
    expect(() => encodeFrame({ long: 'x'.repeat(100) }, 50)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HomingError } from '../../../../../shared/errors';
import { EachLineSink, LinesSink, MessageSink, TopLinesSink } from '../../../../../electron/protocols/pop3/body-sinks';
import { eventually } from '../../../../helpers/imap-sync';

const tempDir = () => mkdtempSync(join(tmpdir(), 'homing-pop3-sink-'));

describe('MessageSink', () => {
  it('keeps a small message in memory', async () => {
    const sink = new MessageSink({ spillBytes: 100, tempDir: tempDir() });
    sink.write(Buffer.from('Subject: a\r\n'));
    sink.write(Buffer.from('\r\nbody\r\n'));
    sink.end();
    const source = await sink.source;
    expect(source.kind === 'buffer' && source.bytes.toString()).toBe('Subject: a\r\n\r\nbody\r\n');
  });

  it('streams a message past the limit to a private temp file, byte for byte', async () => {
    const dir = tempDir();
    const sink = new MessageSink({ spillBytes: 1000, tempDir: dir });
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.alloc(97, i));
    for (const part of parts) sink.write(part);
    sink.end();
    const source = await sink.source;
    if (source.kind !== 'file') throw new Error('expected a file source');
    expect(source.size).toBe(50 * 97);
    expect(readFileSync(source.path).equals(Buffer.concat(parts))).toBe(true);
  });

  it('leaves no file behind when the download is aborted', async () => {
    const dir = tempDir();
    const sink = new MessageSink({ spillBytes: 10, tempDir: dir });
    sink.write(Buffer.alloc(500, 1));
    // The file is opened asynchronously: wait until it is there.
    await eventually(() => readdirSync(dir).length, (files) => files === 1);
    sink.abort(new HomingError('CONNECTION_LOST', 'cut'));
    await expect(sink.source).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    // Removed once the stream has let go of it.
    await eventually(() => readdirSync(dir), (files) => files.length === 0);
    expect(existsSync(dir)).toBe(true);
  });
});

describe('LinesSink', () => {
  it('keeps a UTF-8 character whole across segments and splits lines', () => {
    const sink = new LinesSink();
    const bytes = Buffer.from('1 abc\r\n2 ünï\r\n');
    sink.write(bytes.subarray(0, 9));
    sink.write(bytes.subarray(9));
    sink.end();
    expect(sink.lines()).toEqual(['1 abc', '2 ünï']);
  });
});

describe('EachLineSink', () => {
  it('hands over each line as it completes, whatever the segments, and keeps only the unfinished one', () => {
    const lines: string[] = [];
    const sink = new EachLineSink((line) => lines.push(line));
    // A line ending split between CR and LF, a UTF-8 character split between segments, an empty line.
    const text = Buffer.from('1 abc\r\n2 d\u00e9f\r\n\r\n3 ghi\r\n4 last');
    const cuts = [3, 6, 7, 11, 12, 20];
    let from = 0;
    for (const cut of [...cuts, text.length]) {
      sink.write(text.subarray(from, cut));
      from = cut;
      if (cut === 7) expect(lines).toEqual(['1 abc']);
    }
    expect(lines).toEqual(['1 abc', '2 d\u00e9f', '3 ghi']);
    sink.end();
    expect(lines).toEqual(['1 abc', '2 d\u00e9f', '3 ghi', '4 last']);
    expect(() => sink.finish()).not.toThrow();
  });

  it('keeps the first error of its consumer for finish(), skipping the lines after it', () => {
    const lines: string[] = [];
    const sink = new EachLineSink((line) => {
      if (line === 'bad') throw new HomingError('PROTOCOL_ERROR', 'bad line');
      lines.push(line);
    });
    sink.write(Buffer.from('a\r\nbad\r\nc\r\n'));
    sink.end();
    expect(lines).toEqual(['a']);
    expect(() => sink.finish()).toThrow('bad line');
  });
});

describe('TopLinesSink', () => {
  const kept = async (message: string, lines: number, maxKept = 1 << 20, split = 1) => {
    const inner = new MessageSink({ spillBytes: 1 << 20, tempDir: tempDir() });
    const sink = new TopLinesSink(inner, lines, maxKept);
    const bytes = Buffer.from(message);
    for (let i = 0; i < bytes.length; i += split) sink.write(bytes.subarray(i, i + split));
    sink.end();
    const source = await inner.source;
    return source.kind === 'buffer' ? source.bytes.toString() : '';
  };
  const message = 'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n';

  it('keeps the header block, the blank line and the first n lines of whatever the server sends, however it is split', async () => {
    for (const split of [1, 2, 3, 7, 1000]) {
      expect(await kept(message, 2, undefined, split)).toBe('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n');
      expect(await kept(message, 0, undefined, split)).toBe('A: 1\r\nB: 2\r\n\r\n');
      expect(await kept(message, 10, undefined, split)).toBe(message);
      expect(await kept('A: 1\nB: 2\n\nl1\nl2\n', 1, undefined, split)).toBe('A: 1\nB: 2\n\nl1\n');
    }
  });

  it('keeps a message without a blank line whole, and never more than its limit', async () => {
    expect(await kept('A: 1\r\nB: 2\r\n', 5)).toBe('A: 1\r\nB: 2\r\n');
    expect(await kept(message, 10, 9, 4)).toBe('A: 1\r\nB: ');
  });
});

import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ParsePool } from '../../electron/sync/parse-pool';
import { eventually } from '../helpers/imap-sync';

const script = () => join(inject('buildDir'), 'node', 'parse-worker.cjs');
const message = (subject: string) => ({ kind: 'buffer' as const, bytes: Buffer.from(`Subject: ${subject}\r\nFrom: a@example.org\r\n\r\nHello\r\n`) });

describe('ParsePool (the built parsing thread)', () => {
  it('starts its thread with the first message, ends it once idle, and starts it again for the next message', async () => {
    const pool = new ParsePool(script(), 1, { idleMs: 300 });
    expect(pool.threads).toBe(0);

    const first = await pool.prepare(message('first'));
    expect(first.parsed.subject).toBe('first');
    expect(first.encoded).not.toBeNull();
    expect(pool.threads).toBe(1);

    // Nothing to parse for a while (a watched account with no new mail): the thread is gone.
    await eventually(() => pool.threads, (n) => n === 0, 10_000);

    // New mail: parsed on a thread again, not on the caller's.
    const second = pool.prepare(message('second'));
    expect(pool.threads).toBe(1);
    expect((await second).parsed.subject).toBe('second');
    await eventually(() => pool.threads, (n) => n === 0, 10_000);
  });

  it('ends its thread at once when released after a pass, unless a message is still being parsed', async () => {
    const pool = new ParsePool(script(), 1, { idleMs: 60_000 });
    const inFlight = pool.prepare(message('last of the pass'));
    pool.release();
    expect(pool.threads).toBe(1);
    expect((await inFlight).parsed.subject).toBe('last of the pass');

    pool.release();
    expect(pool.threads).toBe(0);
    expect((await pool.prepare(message('new mail'))).parsed.subject).toBe('new mail');
    expect(pool.threads).toBe(1);
    pool.release();
  });

  it('keeps its thread while messages keep coming', async () => {
    const pool = new ParsePool(script(), 1, { idleMs: 500 });
    for (let i = 0; i < 8; i++) {
      expect((await pool.prepare(message(`m${i}`))).parsed.subject).toBe(`m${i}`);
      expect(pool.threads).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await eventually(() => pool.threads, (n) => n === 0, 10_000);
  });
});

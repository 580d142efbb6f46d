import { describe, expect, it } from 'vitest';
import { closeWithin, createQuitGate } from '../../../../electron/shell/graceful-quit';
import { FakeClock, settle } from './fake-clock';

describe('quitting', () => {
  it('waits for the service to close (the worker finishing its transaction)', async () => {
    const clock = new FakeClock();
    let finish!: () => void;
    const result = closeWithin(() => new Promise<void>((resolve) => (finish = resolve)), 10_000, clock);
    clock.advance(9_999);
    finish();
    expect(await result).toBe('closed');
    expect(clock.pending()).toEqual([]);
  });

  it('gives up waiting after the grace period', async () => {
    const clock = new FakeClock();
    const result = closeWithin(() => new Promise<void>(() => undefined), 10_000, clock);
    clock.advance(10_000);
    expect(await result).toBe('timed-out');
  });

  it('counts a failed close as closed', async () => {
    expect(await closeWithin(() => Promise.reject(new Error('disk gone')), 10_000, new FakeClock())).toBe('closed');
  });

  it('holds the first quit until shutdown is done, then lets the second through', async () => {
    const steps: string[] = [];
    let done!: () => void;
    const gate = createQuitGate(
      () => new Promise<void>((resolve) => (done = () => (steps.push('shutdown done'), resolve()))),
      () => steps.push('quit'),
    );
    expect(gate.beforeQuit()).toBe(true);
    expect(gate.beforeQuit()).toBe(true);
    expect(gate.phase).toBe('closing');
    done();
    await settle();
    expect(steps).toEqual(['shutdown done', 'quit']);
    expect(gate.beforeQuit()).toBe(false);
  });
});

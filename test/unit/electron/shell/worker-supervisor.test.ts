import { describe, expect, it } from 'vitest';
import { WORKER_RESTART_MAX_MS, WORKER_STABLE_AFTER_MS } from '../../../../electron/shell/limits';
import { createWorkerSupervisor, restartDelay, type SupervisorEvent } from '../../../../electron/shell/worker-supervisor';
import { FakeClock, settle } from './fake-clock';

/** A supervisor over a fake service: counts starts and stops; `failNextStarts` makes starts reject. */
function setup() {
  const clock = new FakeClock();
  const calls: string[] = [];
  const events: SupervisorEvent[] = [];
  let failNextStarts = 0;
  let holdStarts = false;
  const held: Array<{ resolve(): void; reject(error: Error): void }> = [];
  const supervisor = createWorkerSupervisor({
    clock,
    startWatching: () => {
      calls.push('start');
      if (holdStarts) return new Promise<void>((resolve, reject) => held.push({ resolve, reject }));
      if (failNextStarts > 0) {
        failNextStarts -= 1;
        return Promise.reject(new Error('DATA_DIR_LOCKED'));
      }
      return Promise.resolve();
    },
    reconnect: async (reason) => {
      calls.push(`reconnect:${reason}`);
    },
    onEvent: (event) => events.push(event),
  });
  return {
    clock,
    calls,
    events,
    supervisor,
    held,
    failStarts: (n: number) => (failNextStarts = n),
    hold: (on: boolean) => (holdStarts = on),
    starts: () => calls.filter((c) => c === 'start').length,
  };
}

describe('the worker supervisor', () => {
  it('starts watching when the app starts', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    expect(t.calls).toEqual(['start']);
    expect(t.supervisor.state).toBe('running');
    expect(t.events).toEqual([{ type: 'started' }]);
  });

  it('restarts a worker that died, after the first backoff step and not before', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    t.supervisor.workerExited(new Error('native crash'));
    expect(t.supervisor.state).toBe('restarting');
    expect(t.clock.pending()).toEqual([restartDelay(0)]);
    t.clock.advance(restartDelay(0) - 1);
    expect(t.starts()).toBe(1);
    t.clock.advance(1);
    await settle();
    expect(t.starts()).toBe(2);
    expect(t.supervisor.state).toBe('running');
  });

  it('backs off exponentially while the worker keeps dying at once, up to the cap', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      t.supervisor.workerExited(new Error('dies at start'));
      const [delay] = t.clock.pending();
      delays.push(delay as number);
      t.clock.advance(delay as number);
      await settle();
    }
    expect(delays.slice(0, 5)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(Math.max(...delays)).toBe(WORKER_RESTART_MAX_MS);
    expect(delays.every((d, i) => i === 0 || d >= (delays[i - 1] as number))).toBe(true);
  });

  it('starts over from the first step once a worker has run long enough to count as healthy', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    for (let i = 0; i < 3; i++) {
      t.supervisor.workerExited(new Error('early death'));
      t.clock.advance(t.clock.pending()[0] as number);
      await settle();
    }
    expect(t.supervisor.failures).toBe(3);
    t.clock.advance(WORKER_STABLE_AFTER_MS);
    t.supervisor.workerExited(new Error('late death'));
    expect(t.clock.pending()).toEqual([restartDelay(0)]);
  });

  it('retries with backoff when the worker cannot start (say, the CLI holds the data directory)', async () => {
    const t = setup();
    t.failStarts(2);
    t.supervisor.start();
    await settle();
    expect(t.events[0]).toMatchObject({ type: 'start-failed' });
    expect(t.clock.pending()).toEqual([restartDelay(0)]);
    t.clock.advance(restartDelay(0));
    await settle();
    expect(t.clock.pending()).toEqual([restartDelay(1)]);
    t.clock.advance(restartDelay(1));
    await settle();
    expect(t.starts()).toBe(3);
    expect(t.supervisor.state).toBe('running');
    expect(t.clock.pending()).toEqual([]);
  });

  it('reconnects every account at once when the computer wakes, without restarting the worker', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    t.supervisor.suspend();
    await settle();
    expect(t.calls).toEqual(['start']);
    t.supervisor.resume();
    await settle();
    expect(t.calls).toEqual(['start', 'reconnect:resume']);
    expect(t.events.at(-1)).toEqual({ type: 'reconnecting', reason: 'resume' });
    expect(t.supervisor.state).toBe('running');
  });

  it('reconnects at once when the network comes back, and only then (the loops back off by themselves while it is gone)', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    t.supervisor.networkChanged(false);
    t.supervisor.networkChanged(false);
    await settle();
    expect(t.calls).toEqual(['start']);
    expect(t.supervisor.state).toBe('running');
    t.supervisor.networkChanged(true);
    t.supervisor.networkChanged(true);
    await settle();
    expect(t.calls).toEqual(['start', 'reconnect:network']);
  });

  it('does not restart a worker that dies while the computer sleeps, and starts one at once on wake-up', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    t.supervisor.suspend();
    t.supervisor.workerExited(new Error('killed during sleep'));
    expect(t.events.at(-1)).toMatchObject({ type: 'worker-died', restartInMs: null });
    expect(t.clock.pending()).toEqual([]);
    t.supervisor.resume();
    await settle();
    expect(t.starts()).toBe(2);
    expect(t.supervisor.state).toBe('running');
  });

  it('cancels a scheduled restart on suspend and restarts from the base delay on wake-up', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    t.supervisor.workerExited(new Error('crash'));
    t.supervisor.workerExited(new Error('crash again'));
    t.supervisor.suspend();
    await settle();
    expect(t.clock.pending()).toEqual([]);
    expect(t.calls).toEqual(['start']);
    t.supervisor.resume();
    await settle();
    expect(t.supervisor.failures).toBe(0);
    expect(t.starts()).toBe(2);
  });

  it('waits for the network before restarting a dead worker, then restarts it at once', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    t.supervisor.networkChanged(false);
    t.supervisor.workerExited(new Error('crash'));
    expect(t.clock.pending()).toEqual([]);
    t.supervisor.suspend();
    t.supervisor.resume();
    await settle();
    expect(t.starts()).toBe(1);
    t.supervisor.networkChanged(true);
    await settle();
    expect(t.starts()).toBe(2);
    expect(t.supervisor.state).toBe('running');
  });

  it('ignores the late answer of a start that a worker death overtook', async () => {
    const t = setup();
    t.hold(true);
    t.supervisor.start();
    t.supervisor.workerExited(new Error('crash'));
    t.held[0]?.reject(new Error('connection refused'));
    await settle();
    expect(t.clock.pending()).toEqual([restartDelay(0)]);
    expect(t.events.filter((e) => e.type === 'start-failed')).toEqual([]);
  });

  it('never restarts after stop (the app is quitting)', async () => {
    const t = setup();
    t.supervisor.start();
    await settle();
    t.supervisor.workerExited(new Error('crash'));
    t.supervisor.stop();
    expect(t.clock.pending()).toEqual([]);
    t.supervisor.workerExited(new Error('shut down'));
    t.supervisor.suspend();
    t.supervisor.resume();
    t.supervisor.networkChanged(false);
    t.supervisor.networkChanged(true);
    t.clock.advance(WORKER_RESTART_MAX_MS);
    await settle();
    expect(t.starts()).toBe(1);
    expect(t.calls).toEqual(['start']);
    expect(t.supervisor.state).toBe('stopped');
  });

  it('ignores a worker exit before it was ever started', () => {
    const t = setup();
    t.supervisor.workerExited(new Error('not ours'));
    expect(t.clock.pending()).toEqual([]);
    expect(t.supervisor.state).toBe('idle');
  });
});

describe('restartDelay', () => {
  it('doubles from one second and stops at five minutes', () => {
    expect([0, 1, 2, 3].map(restartDelay)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(restartDelay(50)).toBe(WORKER_RESTART_MAX_MS);
    expect(restartDelay(-3)).toBe(1_000);
  });
});

describe('restartDelay', () => {
  it('doubles from one second and stops at five minutes', () => {
    expect([0, 1, 2, 3].map(restartDelay)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(restartDelay(50)).toBe(WORKER_RESTART_MAX_MS);
    expect(restartDelay(-3)).toBe(1_000);
  });
});

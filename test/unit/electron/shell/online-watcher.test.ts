import { describe, expect, it } from 'vitest';
import { watchOnline } from '../../../../electron/shell/online-watcher';
import { FakeClock } from './fake-clock';

describe('watchOnline', () => {
  it('reports each change of net.isOnline() once, at the next poll', () => {
    const clock = new FakeClock();
    let online = true;
    const seen: boolean[] = [];
    const stop = watchOnline(() => online, (value) => seen.push(value), clock, 1_000);
    clock.advance(5_000);
    expect(seen).toEqual([]);
    online = false;
    clock.advance(1_000);
    clock.advance(3_000);
    online = true;
    clock.advance(1_000);
    expect(seen).toEqual([false, true]);
    stop();
    online = false;
    clock.advance(10_000);
    expect(seen).toEqual([false, true]);
    expect(clock.pending()).toEqual([]);
  });

  it('reports a start without network at once', () => {
    const seen: boolean[] = [];
    watchOnline(() => false, (value) => seen.push(value), new FakeClock(), 1_000);
    expect(seen).toEqual([false]);
  });
});

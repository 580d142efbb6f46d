import { describe, expect, it } from 'vitest';
import { Autosave, type Clock, type SaveState } from '../../../../renderer/compose/autosave';

/** A clock the test moves by hand: no test waits on real time. */
function manualClock() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  const advance = async (ms: number) => {
    const until = now + ms;
    for (;;) {
      // Let saves that have settled schedule what they schedule before looking for due timers.
      await new Promise((r) => setImmediate(r));
      const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
    await new Promise((r) => setImmediate(r));
  };
  return { clock, advance };
}

function setup(save: () => Promise<void> = async () => undefined) {
  const { clock, advance } = manualClock();
  const states: SaveState['kind'][] = [];
  let saves = 0;
  const autosave = new Autosave({
    clock,
    save: async () => {
      saves++;
      await save();
    },
    onState: (s) => states.push(s.kind),
    debounceMs: 1000,
    maxWaitMs: 5000,
    retryMs: 1000,
  });
  return { autosave, advance, states, saves: () => saves };
}

describe('draft autosave', () => {
  it('saves once after the user stops typing, and says so', async () => {
    const { autosave, advance, states, saves } = setup();
    autosave.changed();
    await advance(500);
    autosave.changed();
    await advance(900);
    expect(saves()).toBe(0);
    await advance(200);
    expect(saves()).toBe(1);
    expect(states).toEqual(['unsaved', 'unsaved', 'saving', 'saved']);
  });

  it('saves at least every maxWait while the user keeps typing', async () => {
    const { autosave, advance, saves } = setup();
    for (let t = 0; t < 6000; t += 500) {
      autosave.changed();
      await advance(500);
    }
    expect(saves()).toBe(1);
  });

  it('saves again when the user typed during a save, one save at a time', async () => {
    let release!: () => void;
    let concurrent = 0;
    let most = 0;
    const { autosave, advance, saves } = setup(async () => {
      concurrent++;
      most = Math.max(most, concurrent);
      await new Promise<void>((r) => (release = r));
      concurrent--;
    });
    autosave.changed();
    await advance(1000);
    expect(saves()).toBe(1);
    autosave.changed();
    await advance(2000);
    expect(saves()).toBe(1);
    release();
    await advance(10);
    expect(saves()).toBe(2);
    release();
    await advance(10);
    expect(most).toBe(1);
    expect(autosave.pending).toBe(false);
  });

  it('flush() saves at once and rejects when the save fails; a failed save is retried by itself', async () => {
    let fail = true;
    const { autosave, advance, states, saves } = setup(async () => {
      if (fail) throw new Error('backend gone');
    });
    autosave.changed();
    await expect(autosave.flush()).rejects.toThrow('backend gone');
    expect(states.at(-1)).toBe('failed');
    expect(autosave.pending).toBe(true);
    fail = false;
    await advance(1000);
    expect(saves()).toBe(2);
    expect(states.at(-1)).toBe('saved');
    await autosave.flush();
    expect(saves()).toBe(2);
  });
});

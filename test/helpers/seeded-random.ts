/**
 * A small deterministic PRNG for fault tests: every random cut point and kill moment comes from a seed
 * that the test prints, so a failing run is replayed with HOMING_FAULT_SEED=<seed>.
 */
export interface SeededRandom {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max). */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed = Number(process.env.HOMING_FAULT_SEED ?? Date.now() % 1_000_000)): SeededRandom {
  // mulberry32: tiny, fast, and good enough to spread test cases (not for anything secret).
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

import { describe, expect, it } from 'vitest';
import { parseOneId } from '../../../../electron/cli/parse';

describe('parseOneId: the one message id of show, assemble and the outbox commands', () => {
  it('takes one positive whole number', () => {
    expect(parseOneId(['42'], 'show ID')).toBe(42);
  });

  it('refuses none, two, or a word, naming the usage (a second id was dropped silently before)', () => {
    expect(() => parseOneId([], 'show ID')).toThrow(/^a message id is required\nusage: homing show ID$/);
    expect(() => parseOneId(['1', '2'], 'show ID')).toThrow(/^one message id at a time \(got 2: 1 2\)\nusage: homing show ID$/);
    expect(() => parseOneId(['x'], 'show ID')).toThrow(/^not a message id: x$/);
    expect(() => parseOneId(['0'], 'show ID')).toThrow(/^not a message id: 0$/);
  });
});

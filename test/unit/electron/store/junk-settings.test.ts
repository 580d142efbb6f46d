import { describe, expect, it } from 'vitest';
import { defaultJunkSettings } from '../../../../shared/contract/rules';
import { prepare } from '../../../../electron/store/db';
import { junkSettings, setJunkSettings } from '../../../../electron/store/junk';
import { tempStore } from '../../../helpers/store';

// junkSettings keeps the last text it parsed (the sync reads the settings in every commit): what must hold
// is that every change is read at once, on any connection, and that a bad stored value means the defaults.
describe('junk settings', () => {
  it('reads a change at once, each store its own, and a caller cannot alter the kept value', () => {
    const a = tempStore().db;
    const b = tempStore().db;
    expect(junkSettings(a)).toEqual(defaultJunkSettings);
    setJunkSettings(a, { threshold: 0.95, subjectTag: '[SPAM]' });
    expect(junkSettings(a)).toEqual({ ...defaultJunkSettings, threshold: 0.95, subjectTag: '[SPAM]' });
    expect(junkSettings(b)).toEqual(defaultJunkSettings);
    const read = junkSettings(a);
    read.threshold = 0.5;
    expect(junkSettings(a).threshold).toBe(0.95);
    setJunkSettings(a, { classifier: false });
    expect(junkSettings(a)).toEqual({ ...defaultJunkSettings, threshold: 0.95, subjectTag: '[SPAM]', classifier: false });
  });

  it('falls back to the defaults for a stored value that is not JSON or breaks the schema', () => {
    const { db } = tempStore();
    prepare(db, 'UPDATE junk_state SET settings = ? WHERE id = 1').run('{not json');
    expect(junkSettings(db)).toEqual(defaultJunkSettings);
    prepare(db, 'UPDATE junk_state SET settings = ? WHERE id = 1').run(JSON.stringify({ threshold: 7 }));
    expect(junkSettings(db)).toEqual(defaultJunkSettings);
  });
});

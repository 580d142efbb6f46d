import { describe, expect, it } from 'vitest';
import { defaultReadingPreferences, markReadDelay, parseReadingPreferences } from '../../../renderer/mail/reading-preferences';

describe('reading preferences', () => {
  it('reads what was stored, and the defaults for anything missing or malformed', () => {
    expect(parseReadingPreferences(null)).toEqual(defaultReadingPreferences);
    expect(parseReadingPreferences('not json')).toEqual(defaultReadingPreferences);
    expect(parseReadingPreferences('{"markRead":"sometimes","markReadSeconds":"5"}')).toEqual(defaultReadingPreferences);
    expect(parseReadingPreferences('{"markRead":"never"}')).toEqual({ markRead: 'never', markReadSeconds: 5 });
    expect(parseReadingPreferences('{"markRead":"after-delay","markReadSeconds":100000}')).toEqual({ markRead: 'after-delay', markReadSeconds: 120 });
    expect(parseReadingPreferences('{"markRead":"after-delay","markReadSeconds":0}').markReadSeconds).toBe(1);
  });

  it('turns them into a delay: at once, after N seconds, or never', () => {
    expect(markReadDelay({ markRead: 'at-once', markReadSeconds: 9 })).toBe(0);
    expect(markReadDelay({ markRead: 'after-delay', markReadSeconds: 9 })).toBe(9000);
    expect(markReadDelay({ markRead: 'never', markReadSeconds: 9 })).toBeNull();
  });
});

import { saveReadingPreferences, useReadingPreferences } from '../hooks/useReadingPreferences';
import { clampSeconds, MARK_READ_SECONDS_MAX, MARK_READ_SECONDS_MIN, type MarkReadMode } from '../mail/reading-preferences';

/** Reading preferences: when an opened message counts as read. They apply at once; nothing to save. */
export function ReadingSettings() {
  const preferences = useReadingPreferences();
  const choose = (markRead: MarkReadMode) => saveReadingPreferences({ ...preferences, markRead });
  return (
    <div className="settings-form">
      <h3 id="reading-title" className="settings-title">
        Reading
      </h3>
      <fieldset className="radio-group" data-testid="mark-read-choice">
        <legend className="settings-legend">When I open an unread message, mark it read</legend>
        <label>
          <input type="radio" name="mark-read" checked={preferences.markRead === 'at-once'} onChange={() => choose('at-once')} />
          At once
        </label>
        <label>
          <input type="radio" name="mark-read" checked={preferences.markRead === 'after-delay'} onChange={() => choose('after-delay')} />
          After
          <input
            type="number"
            className="text-input number"
            aria-label="Seconds before an open message is marked read"
            min={MARK_READ_SECONDS_MIN}
            max={MARK_READ_SECONDS_MAX}
            disabled={preferences.markRead !== 'after-delay'}
            value={preferences.markReadSeconds}
            onChange={(e) => saveReadingPreferences({ ...preferences, markReadSeconds: clampSeconds(Number.parseInt(e.target.value, 10)) })}
          />
          seconds open
        </label>
        <label>
          <input type="radio" name="mark-read" checked={preferences.markRead === 'never'} onChange={() => choose('never')} />
          Never (I mark messages read myself)
        </label>
      </fieldset>
      <p className="field-hint">
        A message you mark unread while it is open stays unread. This choice is kept on this computer and applies at once.
      </p>
    </div>
  );
}

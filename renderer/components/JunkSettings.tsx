import { useEffect, useState } from 'react';
import type { JunkSettings as Settings, JunkStatus } from '../../shared/contract/rules';
import { api } from '../api/client';
import { errorSentence } from '../mail/error-words';
import { formatCount } from '../mail/format';

/**
 * The junk filter's settings: honour the server's spam verdict (and a subject tag), the local filter
 * that learns from Junk / Not junk, and its threshold. Each change is saved at once.
 */
export function JunkSettings() {
  const [status, setStatus] = useState<JunkStatus | null>(null);
  const [tag, setTag] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    api.getJunkStatus({}).then(
      (s) => {
        setStatus(s);
        setTag(s.settings.subjectTag);
      },
      (error: unknown) => setProblem(errorSentence(error)),
    );
  }, []);
  if (!status) return problem ? <p className="form-problem">{problem}</p> : null;
  const settings = status.settings;
  const change = (next: Partial<Settings>) => {
    setProblem(null);
    setStatus({ ...status, settings: { ...settings, ...next } });
    api.setJunkSettings(next).then(
      (saved) => setStatus((s) => (s ? { ...s, settings: saved } : s)),
      (error: unknown) => setProblem(errorSentence(error)),
    );
  };
  const learnt = status.trainedJunk + status.trainedNotJunk;
  return (
    <section className="settings-section junk-settings" aria-labelledby="junk-title">
      <h4 id="junk-title">Junk</h4>
      <label className="checkbox">
        <input type="checkbox" checked={settings.honourServer} onChange={(e) => change({ honourServer: e.target.checked })} />
        Move mail the server marks as spam (SpamAssassin, Rspamd) to Junk
      </label>
      <div className="inline-fields">
        <label htmlFor="junk-subject-tag">Also when the subject contains</label>
        <input
          id="junk-subject-tag"
          className="text-input"
          placeholder="[SPAM]"
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          onBlur={() => tag !== settings.subjectTag && change({ subjectTag: tag.trim() })}
        />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={settings.classifier} onChange={(e) => change({ classifier: e.target.checked })} />
        Use the junk filter that learns from what I mark Junk and Not junk
      </label>
      <div className="inline-fields">
        <label htmlFor="junk-threshold">Junk from a score of</label>
        <input
          id="junk-threshold"
          type="range"
          min={0.5}
          max={1}
          step={0.01}
          disabled={!settings.classifier}
          value={settings.threshold}
          onChange={(e) => change({ threshold: Number(e.target.value) })}
        />
        <output htmlFor="junk-threshold" data-testid="junk-threshold-value">
          {settings.threshold.toFixed(2)}
        </output>
      </div>
      <p className="field-hint">
        Higher is more careful: less junk is caught, and wanted mail is less likely to land in Junk. Mail from people you wrote to is never junk, and
        nothing is ever deleted. The filter has learnt from {formatCount(status.trainedJunk)} junk and {formatCount(status.trainedNotJunk)} wanted
        messages{learnt < 10 ? '; it starts judging once it has seen 5 of each' : ''}.
      </p>
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}

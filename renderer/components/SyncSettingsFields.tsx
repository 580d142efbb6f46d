import type { AccountSettings, Protocol } from '../../shared/contract/accounts';

export interface SyncSettingsFieldsProps {
  protocol: Protocol;
  settings: AccountSettings;
  onChange(settings: AccountSettings): void;
  idPrefix: string;
}

const intervals = [1, 5, 10, 15, 30, 60, 120, 240, 1440];
const intervalLabel = (m: number) => (m < 60 ? `Every ${m} minute${m === 1 ? '' : 's'}` : m === 1440 ? 'Once a day' : `Every ${m / 60} hour${m === 60 ? '' : 's'}`);

const clampInt = (text: string, min: number, max: number, fallback: number) => {
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
};

/** How often to check, what to keep offline (IMAP), what happens to the server's copy (POP3). */
export function SyncSettingsFields({ protocol, settings, onChange, idPrefix }: SyncSettingsFieldsProps) {
  const set = (change: Partial<AccountSettings>) => onChange({ ...settings, ...change });
  const id = (name: string) => `${idPrefix}-${name}`;
  const policy = settings.pop3Delete;
  const scope = settings.offlineScope;
  return (
    <div className="field-grid sync-settings">
      <label htmlFor={id('interval')}>Check for new mail</label>
      <select id={id('interval')} className="select" value={settings.checkIntervalMinutes} onChange={(e) => set({ checkIntervalMinutes: Number(e.target.value) })}>
        {[...new Set([...intervals, settings.checkIntervalMinutes])]
          .sort((a, b) => a - b)
          .map((m) => (
            <option key={m} value={m}>
              {intervalLabel(m)}
            </option>
          ))}
      </select>
      {protocol === 'imap' && (
        <>
          <span className="grid-label" id={id('scope-label')}>
            Keep offline
          </span>
          <div className="radio-group" role="radiogroup" aria-labelledby={id('scope-label')}>
            <label>
              <input type="radio" name={id('scope')} checked={scope.kind === 'all'} onChange={() => set({ offlineScope: { kind: 'all' } })} />
              All mail
            </label>
            <label>
              <input
                type="radio"
                name={id('scope')}
                checked={scope.kind === 'recent'}
                onChange={() => set({ offlineScope: { kind: 'recent', days: scope.kind === 'recent' ? scope.days : 365 } })}
              />
              Mail from the last
              <input
                type="number"
                className="text-input number"
                aria-label="Days of mail to keep offline"
                min={1}
                max={36500}
                disabled={scope.kind !== 'recent'}
                value={scope.kind === 'recent' ? scope.days : 365}
                onChange={(e) => set({ offlineScope: { kind: 'recent', days: clampInt(e.target.value, 1, 36500, 365) } })}
              />
              days
            </label>
            <span className="field-hint">Older messages keep their headers and download when you open them.</span>
          </div>
        </>
      )}
      {protocol === 'pop3' && (
        <>
          <span className="grid-label" id={id('pop3-label')}>
            The server’s copy
          </span>
          <div className="radio-group" role="radiogroup" aria-labelledby={id('pop3-label')} data-testid="pop3-policy">
            <label>
              <input type="radio" name={id('pop3')} checked={policy.kind === 'never'} onChange={() => set({ pop3Delete: { kind: 'never' } })} />
              Leave it on the server
            </label>
            <label>
              <input
                type="radio"
                name={id('pop3')}
                checked={policy.kind === 'after-days'}
                onChange={() => set({ pop3Delete: { kind: 'after-days', days: policy.kind === 'after-days' ? policy.days : 14 } })}
              />
              Delete from the server after
              <input
                type="number"
                className="text-input number"
                aria-label="Days before deleting from the server"
                min={1}
                max={3650}
                disabled={policy.kind !== 'after-days'}
                value={policy.kind === 'after-days' ? policy.days : 14}
                onChange={(e) => set({ pop3Delete: { kind: 'after-days', days: clampInt(e.target.value, 1, 3650, 14) } })}
              />
              days
            </label>
            <label>
              <input type="radio" name={id('pop3')} checked={policy.kind === 'after-download'} onChange={() => set({ pop3Delete: { kind: 'after-download' } })} />
              Delete from the server once it is safely here
            </label>
            <label>
              <input
                type="radio"
                name={id('pop3')}
                checked={policy.kind === 'when-deleted-locally'}
                onChange={() => set({ pop3Delete: { kind: 'when-deleted-locally' } })}
              />
              Delete from the server when I delete it here
            </label>
          </div>
        </>
      )}
      <span className="grid-label" id={id('notify-label')}>
        Notifications
      </span>
      <label className="checkbox">
        <input type="checkbox" checked={settings.notify} onChange={(e) => set({ notify: e.target.checked })} />
        Tell me when new mail arrives
      </label>
    </div>
  );
}

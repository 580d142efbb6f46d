import { memo } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { SyncStatus } from '../../shared/contract/sync';
import { useNow } from '../hooks/useNow';
import { accountLabel } from '../mail/folder-tree';
import { isBusy, syncSentence, syncSummary } from '../mail/sync-words';
import { Icon } from './Icon';

/** Relative times ("checked 2 minutes ago", "retrying in 40 seconds") are redrawn this often. */
const TICK_MS = 5_000;

export interface SyncStatusPanelProps {
  accounts: Account[];
  statuses: ReadonlyMap<string, SyncStatus>;
  online: boolean;
  onSyncNow(accountId: string): void;
}

/**
 * The sidebar's foot: per account, what is true now (live, checking with a progress bar, offline since
 * when and retrying when, an error and its fix, changes waiting for the server) and whether we are offline.
 */
export const SyncStatusPanel = memo(function SyncStatusPanel({ accounts, statuses, online, onSyncNow }: SyncStatusPanelProps) {
  const now = useNow(TICK_MS);
  const mail = accounts.filter((a) => a.capabilities.hasServer);
  const unreachable = mail.filter((a) => statuses.get(a.id)?.online === false);
  const offline = !online || (mail.length > 0 && unreachable.length === mail.length);
  if (mail.length === 0 && !offline) return null;
  return (
    <section className="sync-panel" aria-label="Sync status" data-testid="sync-status">
      {offline && (
        <div className="offline-indicator" role="status" data-testid="offline-indicator">
          <Icon name="cloud-off" size={14} />
          <span>
            <strong>Offline</strong> — mail stored on this computer is still here
          </span>
        </div>
      )}
      <ul className="sync-list" aria-live="polite">
        {mail.map((account) => {
          const status = statuses.get(account.id);
          const busy = status ? isBusy(status) : false;
          const summary = status ? syncSummary(status, now) : null;
          // Unreachable is not a failure to shout about: mail stays readable and the sync retries by itself.
          const failed = summary?.state === 'error';
          const percent = status && status.total > 0 ? Math.min(100, Math.round((status.done / status.total) * 100)) : null;
          return (
            <li
              key={account.id}
              className={`sync-item ${busy ? 'busy' : ''} ${failed ? 'failed' : ''}`}
              data-testid={`sync-${account.id}`}
              data-state={summary?.state ?? 'unknown'}
            >
              <div className="sync-line">
                <span className="sync-account" title={account.email}>
                  {accountLabel(account)}
                </span>
                <button
                  type="button"
                  className="icon-button tiny"
                  aria-label={`Check ${accountLabel(account)} for new mail`}
                  title="Check for new mail"
                  disabled={busy}
                  onClick={() => onSyncNow(account.id)}
                >
                  <Icon name="refresh" size={12} className={busy ? 'spin' : ''} />
                </button>
              </div>
              {summary && (
                <div className={`sync-phase sync-${summary.state}`} data-testid="sync-summary">
                  {summary.text}
                </div>
              )}
              {summary?.detail && <div className="sync-detail">{summary.detail}</div>}
              {busy && (
                <div
                  className={`progress ${percent === null ? 'indeterminate' : ''}`}
                  role="progressbar"
                  aria-label={`Syncing ${accountLabel(account)}`}
                  aria-valuemin={0}
                  aria-valuemax={status!.total || undefined}
                  aria-valuenow={percent === null ? undefined : status!.done}
                  aria-valuetext={syncSentence(status!)}
                >
                  <span style={percent === null ? undefined : { width: `${percent}%` }} />
                </div>
              )}
              {summary?.fix && <div className="sync-error">{summary.fix}</div>}
            </li>
          );
        })}
      </ul>
    </section>
  );
});

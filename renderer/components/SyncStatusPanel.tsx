import { memo, useId, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { SyncStatus } from '../../shared/contract/sync';
import { useNow } from '../hooks/useNow';
import { accountLabel } from '../mail/folder-tree';
import { formatCount } from '../mail/format';
import { isBusy, syncSentence, type SyncSummary, syncSummary } from '../mail/sync-words';
import { Icon } from './Icon';

/** Relative times ("checked 2 minutes ago", "retrying in 40 seconds") are redrawn this often. */
const TICK_MS = 5_000;

export interface SyncStatusPanelProps {
  accounts: Account[];
  statuses: ReadonlyMap<string, SyncStatus>;
  online: boolean;
  onSyncNow(accountId: string): void;
}

/** From this many mail accounts on, the panel shows one line per account until the user asks for details. */
const COMPACT_FROM = 3;

/**
 * The sidebar's foot: per account, what is true now (live, checking with a progress bar, offline since
 * when and retrying when, an error and its fix, changes waiting for the server) and whether we are offline.
 * With three accounts or more it is one line per account (a word for its state, the sentence in its
 * tooltip) so the folders keep the sidebar, and "Details" shows the rest; an account that fails keeps its
 * error and its fix in sight either way.
 */
export const SyncStatusPanel = memo(function SyncStatusPanel({ accounts, statuses, online, onSyncNow }: SyncStatusPanelProps) {
  const now = useNow(TICK_MS);
  const [detailsAsked, setDetailsAsked] = useState(false);
  const listId = useId();
  const mail = accounts.filter((a) => a.capabilities.hasServer);
  const unreachable = mail.filter((a) => statuses.get(a.id)?.online === false);
  const offline = !online || (mail.length > 0 && unreachable.length === mail.length);
  if (mail.length === 0 && !offline) return null;
  const compactable = mail.length >= COMPACT_FROM;
  const compact = compactable && !detailsAsked;
  return (
    <section className={`sync-panel ${compact ? 'compact' : ''}`} aria-label="Sync status" data-testid="sync-status">
      {offline && (
        <div className="offline-indicator" role="status" data-testid="offline-indicator">
          <Icon name="cloud-off" size={14} />
          <span>
            <strong>Offline</strong> — mail stored on this computer is still here
          </span>
        </div>
      )}
      {compactable && (
        <div className="sync-head">
          <span className="sync-head-title">Sync</span>
          <button type="button" className="link-button sync-toggle" aria-expanded={!compact} aria-controls={listId} onClick={() => setDetailsAsked((asked) => !asked)}>
            {compact ? 'Details' : 'Fewer details'}
          </button>
        </div>
      )}
      <ul className="sync-list" id={listId} aria-live="polite">
        {mail.map((account) => {
          const status = statuses.get(account.id);
          const busy = status ? isBusy(status) : false;
          const summary = status ? syncSummary(status, now) : null;
          // Unreachable is not a failure to shout about: mail stays readable and the sync retries by itself.
          const failed = summary?.state === 'error';
          const percent = status && status.total > 0 ? Math.min(100, Math.round((status.done / status.total) * 100)) : null;
          // One line, unless the account needs the user: its error and what to do stay in sight.
          const oneLine = compact && !failed;
          const label = accountLabel(account);
          return (
            <li
              key={account.id}
              className={`sync-item ${busy ? 'busy' : ''} ${failed ? 'failed' : ''}`}
              data-testid={`sync-${account.id}`}
              data-state={summary?.state ?? 'unknown'}
              title={oneLine && summary ? [summary.text, summary.detail].filter(Boolean).join('\n') : undefined}
            >
              <div className="sync-line">
                {compact && <span className={`sync-dot dot-${summary?.state ?? 'unknown'}`} aria-hidden="true" />}
                <span className="sync-account" title={account.email}>
                  {label}
                </span>
                {oneLine && summary && (
                  <span className={`sync-short sync-${summary.state}`} data-testid="sync-short">
                    {shortState(summary, status!, percent)}
                  </span>
                )}
                <button
                  type="button"
                  className="icon-button tiny"
                  aria-label={`Check ${label} for new mail`}
                  title="Check for new mail"
                  // Not disabled: a disabled button drops the keyboard's focus to the document.
                  aria-disabled={busy}
                  onClick={() => {
                    if (!busy) onSyncNow(account.id);
                  }}
                >
                  <Icon name="refresh" size={12} className={busy ? 'spin' : ''} />
                </button>
              </div>
              {summary && !oneLine && (
                <div className={`sync-phase sync-${summary.state}`} data-testid="sync-summary">
                  {summary.text}
                </div>
              )}
              {summary?.detail && !oneLine && <div className="sync-detail">{summary.detail}</div>}
              {busy && (
                <div
                  className={`progress ${percent === null ? 'indeterminate' : ''}`}
                  role="progressbar"
                  aria-label={`Syncing ${label}`}
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

/** The state in a word or two, for the one-line form: "Live", "Offline", "Checking 40%", "2 waiting". */
function shortState(summary: SyncSummary, status: SyncStatus, percent: number | null): string {
  switch (summary.state) {
    case 'live':
      return 'Live';
    case 'idle':
      return status.lastSyncedAt ? 'Up to date' : 'Not checked';
    case 'checking':
      return percent === null ? 'Checking' : `Checking ${percent}%`;
    case 'offline':
      return 'Offline';
    case 'waiting':
      return `${formatCount(status.pendingChanges)} waiting`;
    case 'error':
      return 'Not syncing';
  }
}

import { useState } from 'react';
import type { ComposeIntent } from '../../shared/compose-intent';
import type { Account } from '../../shared/contract/accounts';
import type { DraftSummary, OutboxItem } from '../../shared/contract/outgoing';
import { api } from '../api/client';
import { useNow } from '../hooks/useNow';
import type { Outgoing } from '../hooks/useOutgoing';
import { errorSentence } from '../mail/error-words';
import { fullDate } from '../mail/format';
import { outboxWords } from '../mail/outbox-words';
import type { OutgoingView } from './FolderTree';
import { Icon } from './Icon';
import { OutboxCertificateFix } from './OutboxCertificateFix';
import { OutboxServerFix } from './OutboxServerFix';

export interface OutgoingListProps {
  view: OutgoingView;
  outgoing: Outgoing;
  /** The accounts, for what a waiting message's fix changes (its outgoing server). */
  accounts: Account[];
  onCompose(intent: ComposeIntent): void;
  report(error: unknown): void;
}

const recipientsLine = (addresses: string[]) => (addresses.length ? addresses.slice(0, 3).join(', ') + (addresses.length > 3 ? ` and ${addresses.length - 3} more` : '') : 'no recipient');

/**
 * The Outbox (what waits to be sent, and what needs the user: failed, or maybe sent) and the Drafts, in the
 * list pane. Each message says how it is doing and offers what can be done: send now, retry, "it was sent",
 * edit (back to a draft, in the composer), discard (asked first).
 */
export function OutgoingList({ view, outgoing, accounts, onCompose, report }: OutgoingListProps) {
  const now = useNow(1000);
  const [asking, setAsking] = useState<string | null>(null);
  const run = (work: Promise<unknown>) => void work.catch(report);
  const edit = (id: number) => run(api.cancelOutbox({ id }).then(({ draftId }) => onCompose({ kind: 'draft', draftId })));
  const discardOutbox = (id: number) => run(api.cancelOutbox({ id }).then(({ draftId }) => api.deleteDraft({ id: draftId })));
  const items: Array<OutboxItem | DraftSummary> = view === 'outbox' ? outgoing.outbox : outgoing.drafts;
  const title = view === 'outbox' ? 'Outbox' : 'All Drafts';
  return (
    <section className="outgoing-list" aria-labelledby="outgoing-title">
      <header className="list-header">
        <h1 id="outgoing-title" className="list-title">
          {title}
        </h1>
      </header>
      {outgoing.error !== null && (
        <p className="banner error" role="alert">
          <Icon name="alert" size={16} /> <span className="banner-text">{errorSentence(outgoing.error)}</span>
        </p>
      )}
      {items.length === 0 && (
        <p className="list-empty" role="status">
          {view === 'outbox' ? 'Nothing waits to be sent.' : 'No drafts.'}
        </p>
      )}
      <ul className="outgoing-items">
        {view === 'outbox'
          ? outgoing.outbox.map((item) => {
              const words = outboxWords(item, now);
              const key = `outbox:${item.id}`;
              const subject = item.subject || '(no subject)';
              return (
                <li key={key} className={`outgoing-item ${words.tone}`} data-testid="outbox-item">
                  <div className="outgoing-main">
                    <strong className="outgoing-subject">{subject}</strong>
                    <span className="muted">To {recipientsLine(item.recipients)}</span>
                    <span className={`outgoing-status ${words.tone}`}>
                      {words.tone === 'problem' && <Icon name="alert" size={13} />} {words.status}
                    </span>
                    {words.detail && <span className="outgoing-detail">{words.detail}</span>}
                    {item.rejected.length > 0 && (
                      <span className="outgoing-detail">Refused by the server: {item.rejected.map((r) => `${r.address} (${r.response})`).join('; ')}</span>
                    )}
                    {item.state === 'queued' && <OutboxCertificateFix item={item} account={accounts.find((a) => a.id === item.accountId)} />}
                    {item.state === 'queued' && <OutboxServerFix item={item} account={accounts.find((a) => a.id === item.accountId)} />}
                  </div>
                  {asking === `give-up:${key}` ? (
                    <div className="outgoing-actions" role="group" aria-label={`Stop trying ${subject}?`}>
                      <span>Stop sending it to {recipientsLine(item.recipients)}? They will not get it; the message stays in Sent, noted.</span>
                      <button type="button" className="button small danger" onClick={() => (setAsking(null), run(api.giveUpOutbox({ id: item.id })))}>
                        Stop trying
                      </button>
                      {/* The button that asked is gone: the focus goes to the safe answer, not to the document. */}
                      <button type="button" className="button small" autoFocus onClick={() => setAsking(null)}>
                        Keep trying
                      </button>
                    </div>
                  ) : asking === key ? (
                    <div className="outgoing-actions" role="group" aria-label={`Discard ${subject}?`}>
                      <span>Discard this message? It is not sent.</span>
                      <button type="button" className="button small danger" onClick={() => (setAsking(null), discardOutbox(item.id))}>
                        Discard
                      </button>
                      <button type="button" className="button small" autoFocus onClick={() => setAsking(null)}>
                        Keep
                      </button>
                    </div>
                  ) : (
                    <div className="outgoing-actions">
                      {words.actions.map((action) => (
                        <button
                          key={action}
                          type="button"
                          className={`button small ${action === 'discard' ? 'danger-quiet' : ''}`}
                          onClick={() => {
                            if (action === 'send-now') run(api.flushOutbox({ ids: [item.id] }));
                            else if (action === 'retry') run(api.retryOutbox({ id: item.id }));
                            else if (action === 'mark-sent') run(api.markOutboxSent({ id: item.id }));
                            else if (action === 'edit') edit(item.id);
                            else if (action === 'seen') run(api.acknowledgeOutboxRefusals({ id: item.id }));
                            else if (action === 'give-up') setAsking(`give-up:${key}`);
                            else setAsking(key);
                          }}
                        >
                          {{ 'send-now': 'Send now', retry: item.state === 'uncertain' ? 'Send again' : 'Retry', 'mark-sent': 'It was sent', edit: 'Edit', discard: 'Discard', seen: 'OK', 'give-up': 'Stop trying' }[action]}
                          <span className="visually-hidden"> “{subject}”</span>
                        </button>
                      ))}
                    </div>
                  )}
                </li>
              );
            })
          : outgoing.drafts.map((draft) => {
              const key = `draft:${draft.id}`;
              const subject = draft.subject || '(no subject)';
              return (
                <li key={key} className="outgoing-item" data-testid="draft-item">
                  <button type="button" className="outgoing-main outgoing-open" onClick={() => onCompose({ kind: 'draft', draftId: draft.id })}>
                    <strong className="outgoing-subject">{subject}</strong>
                    <span className="muted">To {recipientsLine(draft.to.map((r) => r.address))}</span>
                    <span className="muted">Saved {fullDate(draft.updatedAt)}</span>
                  </button>
                  {asking === key ? (
                    <div className="outgoing-actions" role="group" aria-label={`Delete ${subject}?`}>
                      <span>Delete this draft?</span>
                      <button type="button" className="button small danger" onClick={() => (setAsking(null), run(api.deleteDraft({ id: draft.id })))}>
                        Delete
                      </button>
                      <button type="button" className="button small" autoFocus onClick={() => setAsking(null)}>
                        Keep
                      </button>
                    </div>
                  ) : (
                    <div className="outgoing-actions">
                      <button type="button" className="button small danger-quiet" onClick={() => setAsking(key)}>
                        Delete<span className="visually-hidden"> “{subject}”</span>
                      </button>
                    </div>
                  )}
                </li>
              );
            })}
      </ul>
    </section>
  );
}

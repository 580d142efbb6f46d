import { useId, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { Folder } from '../../shared/contract/messages';
import type { Rule } from '../../shared/contract/rules';
import { api } from '../api/client';
import { matchWords, useRuleMatchCount } from '../hooks/useRuleMatchCount';
import { errorSentence } from '../mail/error-words';
import { accountLabel, folderName } from '../mail/folder-tree';
import { type ActionKind, copyTargets, type DraftAction, moveTargets, offeredRuleActions, type RuleDraft, ruleInputOf, shifted } from '../mail/rule-editing';
import { Icon } from './Icon';

export interface RuleEditorProps {
  draft: RuleDraft;
  accounts: Account[];
  folders: Folder[];
  onSaved(rule: Rule): void;
  onCancel(): void;
}

/**
 * One rule being written: its name, the query (the search language, with a live count of the stored
 * messages it matches, or the parser's complaint), where it applies, and its actions in order. Saving
 * asks the service, which refuses a query that does not parse (INVALID_QUERY) or a folder that is gone.
 */
export function RuleEditor({ draft: initial, accounts, folders, onSaved, onCancel }: RuleEditorProps) {
  const [draft, setDraft] = useState<RuleDraft>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const count = useRuleMatchCount(draft.query, draft.accountId);
  const id = useId();
  const mailAccounts = accounts.filter((a) => a.capabilities.hasServer);
  const scopeAccount = mailAccounts.find((a) => a.id === draft.accountId);
  const offered = offeredRuleActions(scopeAccount, draft.accountId === null);
  const targets = moveTargets(folders, draft.accountId);
  const accountOf = (f: Folder) => (f.accountId === 'local' ? 'Local Folders' : (accounts.find((a) => a.id === f.accountId)?.email ?? ''));
  const setAction = (i: number, change: Partial<DraftAction>) => setDraft({ ...draft, actions: draft.actions.map((a, j) => (j === i ? { ...a, ...change } : a)) });

  const save = async () => {
    const checked = ruleInputOf(draft);
    if ('problem' in checked) return setProblem(checked.problem);
    setProblem(null);
    setSaving(true);
    try {
      onSaved(await api.saveRule(checked.input));
    } catch (error) {
      setProblem(errorSentence(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="rule-editor"
      aria-label={draft.id === undefined ? 'New rule' : `Edit rule ${initial.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="field-grid">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} className="text-input" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <label htmlFor={`${id}-query`}>Mail that matches</label>
        <div className="rule-query">
          <input
            id={`${id}-query`}
            className="text-input"
            spellCheck={false}
            placeholder="from:shop.example OR subject:newsletter"
            aria-describedby={`${id}-count`}
            aria-invalid={count.state === 'invalid'}
            value={draft.query}
            onChange={(e) => setDraft({ ...draft, query: e.target.value })}
          />
          <span id={`${id}-count`} className={`field-hint rule-count ${count.state === 'invalid' ? 'invalid' : ''}`} data-testid="rule-live-count" aria-live="polite">
            {matchWords(count)}
          </span>
        </div>
        <label htmlFor={`${id}-scope`}>Applies to</label>
        <select id={`${id}-scope`} className="select" value={draft.accountId ?? ''} onChange={(e) => setDraft({ ...draft, accountId: e.target.value === '' ? null : e.target.value })}>
          <option value="">All accounts</option>
          {mailAccounts.map((a) => (
            <option key={a.id} value={a.id}>
              {accountLabel(a)}
            </option>
          ))}
        </select>
        <span className="grid-label">Then</span>
        <ol className="rule-actions" aria-label="Actions, in order">
          {draft.actions.map((action, i) => (
            <li key={i} className="rule-action">
              <select
                className="select"
                aria-label={`Action ${i + 1}`}
                value={action.kind}
                onChange={(e) => setAction(i, { kind: e.target.value as ActionKind })}
              >
                {offered.map((a) => (
                  <option key={a.kind} value={a.kind}>
                    {a.label}
                  </option>
                ))}
              </select>
              {(action.kind === 'move' || action.kind === 'copy') && (
                <select
                  className="select"
                  aria-label={`Folder for action ${i + 1}`}
                  value={action.folderId ?? ''}
                  onChange={(e) => setAction(i, { folderId: e.target.value === '' ? null : Number(e.target.value) })}
                >
                  <option value="">Choose a folder…</option>
                  {(action.kind === 'copy' ? copyTargets(folders, draft.accountId) : targets).map((f) => (
                    <option key={f.id} value={f.id}>
                      {folderName(f)}
                      {draft.accountId === null || f.accountId === 'local' ? ` (${accountOf(f)})` : ''}
                    </option>
                  ))}
                </select>
              )}
              {action.kind === 'tag' && (
                <input className="text-input" aria-label={`Tag for action ${i + 1}`} placeholder="tag" value={action.tag} onChange={(e) => setAction(i, { tag: e.target.value })} />
              )}
              <span className="rule-action-buttons">
                <button type="button" className="icon-button" aria-label={`Move action ${i + 1} up`} disabled={i === 0} onClick={() => setDraft({ ...draft, actions: shifted(draft.actions, i, -1) })}>
                  <span aria-hidden="true">↑</span>
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Move action ${i + 1} down`}
                  disabled={i === draft.actions.length - 1}
                  onClick={() => setDraft({ ...draft, actions: shifted(draft.actions, i, 1) })}
                >
                  <span aria-hidden="true">↓</span>
                </button>
                <button type="button" className="icon-button" aria-label={`Remove action ${i + 1}`} onClick={() => setDraft({ ...draft, actions: draft.actions.filter((_, j) => j !== i) })}>
                  <Icon name="x" size={14} />
                </button>
              </span>
            </li>
          ))}
          <li>
            <button type="button" className="button small" onClick={() => setDraft({ ...draft, actions: [...draft.actions, { kind: 'tag', folderId: null, tag: '' }] })}>
              <Icon name="plus" size={12} /> Add action
            </button>
          </li>
        </ol>
        <span className="grid-label" />
        <label className="checkbox">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} />
          Run this rule on new mail
        </label>
      </div>
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
      <div className="rule-editor-buttons">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={saving}>
          Save rule
        </button>
      </div>
    </form>
  );
}

import { useCallback, useEffect, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { Rule } from '../../shared/contract/rules';
import { api } from '../api/client';
import { useFolders } from '../hooks/useFolders';
import { matchWords, useRuleMatchCount } from '../hooks/useRuleMatchCount';
import { errorSentence } from '../mail/error-words';
import { accountLabel, folderName } from '../mail/folder-tree';
import { rulesRunWords } from '../mail/rules-run-words';
import { actionWords, draftOf, emptyDraft, type RuleDraft, scopeWords } from '../mail/rule-editing';
import { JunkSettings } from './JunkSettings';
import { RuleEditor } from './RuleEditor';

/**
 * Settings › Rules: the rules in the order they run (each with how many stored messages it matches now),
 * the editor for a new or changed one, "Run rules on this folder now", and the junk filter's settings.
 */
export function RulesSettings({ accounts }: { accounts: Account[] }) {
  const { folders } = useFolders();
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [editing, setEditing] = useState<RuleDraft | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = useCallback(() => {
    api.listRules({}).then(setRules, (error: unknown) => setProblem(errorSentence(error)));
  }, []);
  useEffect(() => {
    refresh();
    return api.on('rulesChanged', refresh);
  }, [refresh]);

  const act = async (work: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await work();
    } catch (error) {
      setProblem(errorSentence(error));
    }
  };
  const reorder = (from: number, by: -1 | 1) => {
    if (!rules) return;
    const ids = rules.map((r) => r.id);
    const to = from + by;
    [ids[from], ids[to]] = [ids[to]!, ids[from]!];
    void act(() => api.reorderRules({ ids }));
  };

  return (
    <div className="settings-form rules-settings">
      <h3 className="settings-title">Rules</h3>
      <p className="settings-lead muted">
        Rules sort new mail as it arrives, in this order, using the same words as search (<code>from:</code>, <code>subject:</code>, <code>tag:</code>,{' '}
        <code>header:List-Id</code>, <code>OR</code>, <code>-word</code>). Each rule acts on a message once.
      </p>
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
      {rules && rules.length === 0 && !editing && <p className="muted">No rules yet.</p>}
      {rules && rules.length > 0 && (
        <ol className="rule-list" aria-label="Rules, in the order they run">
          {rules.map((rule, i) =>
            editing?.id === rule.id ? (
              <li key={rule.id} className="rule-item editing">
                <RuleEditor draft={editing} accounts={accounts} folders={folders} onCancel={() => setEditing(null)} onSaved={() => setEditing(null)} />
              </li>
            ) : (
              <li key={rule.id} className={`rule-item ${rule.enabled ? '' : 'disabled'}`} aria-label={rule.name}>
                <div className="rule-summary">
                  <span className="rule-name">{rule.name}</span>
                  <code className="rule-query-text">{rule.query}</code>
                  <span className="rule-then">{rule.actions.map((a) => actionWords(a, folders)).join(', ')}</span>
                  <span className="muted">
                    {scopeWords(rule.accountId, accounts)}
                    {rule.enabled ? '' : ' · off'} · <RuleCount rule={rule} />
                  </span>
                  {rule.broken && (
                    <span className="field-note warning" role="status">
                      Broken: {rule.broken.message} Save the rule again to use it.
                    </span>
                  )}
                </div>
                <div className="rule-buttons">
                  <button type="button" className="icon-button" aria-label={`Move ${rule.name} up`} disabled={i === 0} onClick={() => reorder(i, -1)}>
                    <span aria-hidden="true">↑</span>
                  </button>
                  <button type="button" className="icon-button" aria-label={`Move ${rule.name} down`} disabled={i === rules.length - 1} onClick={() => reorder(i, 1)}>
                    <span aria-hidden="true">↓</span>
                  </button>
                  <button type="button" className="button small" onClick={() => setEditing(draftOf(rule))}>
                    Edit
                  </button>
                  <button type="button" className="button small danger-quiet" onClick={() => void act(() => api.removeRule({ id: rule.id }))}>
                    Remove
                  </button>
                </div>
              </li>
            ),
          )}
        </ol>
      )}
      {editing && editing.id === undefined ? (
        <RuleEditor draft={editing} accounts={accounts} folders={folders} onCancel={() => setEditing(null)} onSaved={() => setEditing(null)} />
      ) : (
        !editing && (
          <div>
            <button type="button" className="button" onClick={() => setEditing(emptyDraft())}>
              New rule
            </button>
          </div>
        )
      )}
      <RunRulesNow accounts={accounts} folders={folders} hasRules={(rules?.length ?? 0) > 0} />
      <JunkSettings />
    </div>
  );
}

/** The live count beside a saved rule. */
function RuleCount({ rule }: { rule: Rule }) {
  const count = useRuleMatchCount(rule.query, rule.accountId);
  return <span data-testid="rule-count">{matchWords(count)}</span>;
}

/** "Run rules on this folder now": every enabled rule on the chosen folder's messages (as the folder menu's item does). */
function RunRulesNow({ accounts, folders, hasRules }: { accounts: Account[]; folders: ReturnType<typeof useFolders>['folders']; hasRules: boolean }) {
  const [folderId, setFolderId] = useState<number | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const chosen = folderId ?? folders.find((f) => f.specialUse === 'inbox' || f.path.toUpperCase() === 'INBOX')?.id ?? null;
  const run = async () => {
    if (chosen === null) return;
    setResult(null);
    setProblem(null);
    try {
      const done = await api.runRules({ folderId: chosen });
      const folder = folders.find((f) => f.id === chosen);
      setResult(rulesRunWords(done, folder ? folderName(folder) : 'the folder'));
    } catch (error) {
      setProblem(errorSentence(error));
    }
  };
  const label = (accountId: string) => {
    const account = accounts.find((a) => a.id === accountId);
    return accountId === 'local' || !account ? 'Local Folders' : accountLabel(account);
  };
  return (
    <section className="settings-section" aria-labelledby="run-rules-title">
      <h4 id="run-rules-title">Run rules now</h4>
      <div className="inline-fields">
        <select className="select" aria-label="Folder to run the rules on" value={chosen ?? ''} onChange={(e) => setFolderId(Number(e.target.value))}>
          {folders.map((f) => (
            <option key={f.id} value={f.id}>
              {label(f.accountId)} › {folderName(f)}
            </option>
          ))}
        </select>
        <button type="button" className="button" disabled={!hasRules || chosen === null} onClick={() => void run()}>
          Run rules on this folder now
        </button>
      </div>
      {result && (
        <p className="form-ok" role="status">
          {result}
        </p>
      )}
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}

import { useEffect, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import { desktop } from '../api/desktop';
import { readWritingPreferences, saveWritingPreferences, type WritingPreferences } from '../compose/writing-preferences';
import { errorSentence } from '../mail/error-words';
import { accountLabel } from '../mail/folder-tree';

/**
 * Writing preferences: where a reply and the signature go, which accounts write plain text, and (in the
 * app) whether Homing handles mailto: links for the whole system, which it asks only here, when the user
 * ticks the box. They apply to the next composer opened; nothing to save.
 */
export function WritingSettings({ accounts }: { accounts: Account[] }) {
  const [prefs, setPrefs] = useState<WritingPreferences>(readWritingPreferences);
  const [handler, setHandler] = useState<{ isDefault: boolean; supported: boolean } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    desktop?.getMailHandler({}).then(setHandler, () => undefined);
  }, []);
  const update = (next: WritingPreferences) => {
    setPrefs(next);
    saveWritingPreferences(next);
  };
  const mailAccounts = accounts.filter((a) => a.capabilities.hasServer);
  return (
    <div className="settings-form">
      <h3 className="settings-title">Writing</h3>
      <fieldset className="radio-group">
        <legend className="settings-legend">When I reply, I write</legend>
        <label>
          <input type="radio" name="reply-position" checked={!prefs.replyBelowQuote} onChange={() => update({ ...prefs, replyBelowQuote: false })} />
          Above the quoted message
        </label>
        <label>
          <input type="radio" name="reply-position" checked={prefs.replyBelowQuote} onChange={() => update({ ...prefs, replyBelowQuote: true })} />
          Below the quoted message
        </label>
      </fieldset>
      <fieldset className="radio-group">
        <legend className="settings-legend">My signature goes</legend>
        <label>
          <input type="radio" name="signature-position" checked={!prefs.signatureBelowQuote} onChange={() => update({ ...prefs, signatureBelowQuote: false })} />
          Under my reply, above the quoted message
        </label>
        <label>
          <input type="radio" name="signature-position" checked={prefs.signatureBelowQuote} onChange={() => update({ ...prefs, signatureBelowQuote: true })} />
          At the very end, below the quoted message
        </label>
      </fieldset>
      {mailAccounts.length > 0 && (
        <fieldset className="radio-group">
          <legend className="settings-legend">Write plain text (no formatting) by default from</legend>
          {mailAccounts.map((account) => (
            <label key={account.id}>
              <input
                type="checkbox"
                checked={prefs.plainTextAccounts.includes(account.id)}
                onChange={(e) =>
                  update({
                    ...prefs,
                    plainTextAccounts: e.target.checked ? [...prefs.plainTextAccounts, account.id] : prefs.plainTextAccounts.filter((id) => id !== account.id),
                  })
                }
              />
              {accountLabel(account)}
            </label>
          ))}
        </fieldset>
      )}
      {handler?.supported && (
        <fieldset className="radio-group">
          <legend className="settings-legend">E-mail links</legend>
          <label>
            <input
              type="checkbox"
              checked={handler.isDefault}
              onChange={(e) => {
                setProblem(null);
                desktop?.setMailHandler({ enabled: e.target.checked }).then(
                  ({ isDefault }) => setHandler({ ...handler, isDefault }),
                  (error: unknown) => setProblem(errorSentence(error)),
                );
              }}
            />
            Open e-mail links (mailto:) from other programs in Homing
          </label>
          {problem && <p className="field-hint error">{problem}</p>}
        </fieldset>
      )}
      <p className="field-hint">Plain text is sent as format=flowed, which phones and mail programs re-wrap to fit. These choices are kept on this computer.</p>
    </div>
  );
}

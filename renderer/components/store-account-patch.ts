import type { Account, AccountPatch } from '../../shared/contract/accounts';
import { api } from '../api/client';
import { errorSentence } from '../mail/error-words';

/** The line a settings section shows under its fields after saving. */
export interface SettingsMessage {
  kind: 'ok' | 'error';
  text: string;
}

export interface StoreAccountPatchReport {
  setBusy(busy: 'saving' | null): void;
  setMessage(message: SettingsMessage): void;
  onSaved(account: Account): void;
}

/**
 * Stores a change to an account the way every section of the account settings does: busy while the
 * service stores it; on success the section's own line (`savedText`) and the stored account to `onSaved`;
 * on failure the error's sentence, the section's fields left as typed. Resolves whether it was stored.
 */
export async function storeAccountPatch(accountId: string, patch: AccountPatch, savedText: string, report: StoreAccountPatchReport): Promise<boolean> {
  report.setBusy('saving');
  try {
    const saved = await api.updateAccount({ id: accountId, patch });
    report.setMessage({ kind: 'ok', text: savedText });
    report.onSaved(saved);
    return true;
  } catch (error) {
    report.setMessage({ kind: 'error', text: errorSentence(error) });
    return false;
  } finally {
    report.setBusy(null);
  }
}

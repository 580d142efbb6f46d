import type { PasswordSource } from '../../shared/contract/accounts';
import { useCredentialStore } from '../hooks/useCredentialStore';

export interface PasswordSourceChoiceProps {
  source: PasswordSource;
  onChange(source: PasswordSource): void;
  /** Prefix for element ids (the editor and the new-account flow can both be on screen). */
  idPrefix: string;
  /** Nothing at all while the keychain answers and holds it (the new-account flow says so already). */
  quiet?: boolean;
  /** The account does not exist yet: the command line's way to a password command is `account add`. */
  adding?: boolean;
}

/**
 * Where an account's password is kept. Says nothing more than one line while the system keychain answers
 * and holds it; where no keychain answers, offers the same choice as the command line: a plain file
 * (chosen knowingly) or a password command (set with `homing`: a window may not choose programs to run).
 */
export function PasswordSourceChoice({ source, onChange, idPrefix, quiet = false, adding = false }: PasswordSourceChoiceProps) {
  const store = useCredentialStore();
  if (!store) return null;
  const keychainOk = store.keychain !== 'unavailable';
  if (keychainOk && source.kind === 'keychain') {
    if (quiet) return null;
    return <p className="field-note" data-testid="password-source">Kept in {store.description}.</p>;
  }
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <div className="password-source" data-testid="password-source">
      {!keychainOk && (
        <p className="field-note warning" role="status">
          No system keychain answers on this computer ({store.weakness ?? store.description}), so a password cannot be kept encrypted.
        </p>
      )}
      {source.kind === 'command' && (
        <p className="field-note">
          The password comes from the command <code>{source.command}</code>, run at each login. Change it with{' '}
          <code>homing account edit … --password-command</code>.
        </p>
      )}
      <span className="grid-label" id={id('label')}>
        Where to keep it
      </span>
      <div className="radio-group" role="radiogroup" aria-labelledby={id('label')}>
        <label>
          <input type="radio" name={id('source')} checked={keychainOk && source.kind === 'keychain'} disabled={!keychainOk} onChange={() => onChange({ kind: 'keychain' })} />
          In the system keychain
        </label>
        <label>
          <input type="radio" name={id('source')} checked={source.kind === 'file'} onChange={() => onChange({ kind: 'file' })} />
          In a file on this computer, not encrypted (anyone who can read your files can read it)
        </label>
        {source.kind !== 'command' && (
          <p className="field-note prose">
            Or have a password manager print it: <code>homing account {adding ? 'add' : 'edit'} … --password-command 'pass show mail/me'</code>.
          </p>
        )}
      </div>
    </div>
  );
}

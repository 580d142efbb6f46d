import { useEffect, useId, useRef, useState } from 'react';

export interface PasswordFixProps {
  /** Whose password, in the label: "Password for alice@example.org". */
  forWhom: string;
  busy: boolean;
  /** What the button does: "Try again", "Test and save". */
  action: string;
  /** Put the cursor in the field as soon as it shows (the failure it fixes was just reported). */
  autoFocus?: boolean;
  onSubmit(password: string): void;
}

/**
 * "Enter password" in place, beside the failure that asks for it: a field and one button, so a wrong
 * password is fixed where it was reported. It lives inside other forms, so it is not a <form> itself:
 * Enter in the field runs its own button, not the surrounding form's.
 */
export function PasswordFix({ forWhom, busy, action, autoFocus = false, onSubmit }: PasswordFixProps) {
  const [password, setPassword] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => {
    if (autoFocus) inputRef.current?.focus();
  }, [autoFocus]);
  const submit = () => {
    if (password && !busy) onSubmit(password);
  };
  return (
    <div className="password-fix" data-testid="password-fix">
      <label htmlFor={id}>Enter password for {forWhom}</label>
      <div className="inline-fields">
        <input
          ref={inputRef}
          id={id}
          className="text-input"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              submit();
            }
          }}
        />
        <button type="button" className="button primary" disabled={busy || !password} onClick={submit}>
          {busy ? (
            <>
              <span className="spinner" aria-hidden="true" /> Connecting…
            </>
          ) : (
            action
          )}
        </button>
      </div>
    </div>
  );
}

import { type ReactNode, useEffect, useRef, useState } from 'react';
import { keyLabel } from '../actions/dispatcher';
import type { Outcome } from '../mail/outcome';
import { Icon } from './Icon';
import { isMac } from './ShortcutHelp';

/** How long a toast stays when nobody is pointing at it or has the focus in it. */
const TOAST_MS = 10_000;

export interface UndoToastProps {
  outcome: Outcome | null;
  /** Changes with every outcome shown. */
  serial: number;
  onUndo(): void;
  onDismiss(): void;
  /** Other toasts (the outbox's "Undo send"), stacked above this one. */
  children?: ReactNode;
}

/**
 * The toast after an action: what was done, and Undo while it can be taken back (also Ctrl/Cmd+Z). A
 * polite live region, so a screen reader says it without moving the focus. Other toasts stack above it.
 */
export function UndoToast({ outcome, serial, onUndo, onDismiss, children }: UndoToastProps) {
  return (
    <div className="toast-stack">
      {children}
      <div role="status" aria-live="polite" data-testid="toast">
        {outcome && <Toast key={serial} outcome={outcome} onUndo={onUndo} onDismiss={onDismiss} />}
      </div>
    </div>
  );
}

/** One toast: it leaves after ten seconds, but not while the pointer or the focus is on it. */
function Toast({ outcome, onUndo, onDismiss }: { outcome: Outcome; onUndo(): void; onDismiss(): void }) {
  const [held, setHeld] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(onDismiss, TOAST_MS);
    return () => clearTimeout(timer);
  }, [held, onDismiss]);
  return (
    <div
      ref={ref}
      className="toast"
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={(event) => {
        if (!ref.current?.contains(event.relatedTarget as Node | null)) setHeld(false);
      }}
    >
      <span className="toast-text">{outcome.message}</span>
      {outcome.undo && (
        <button type="button" className="button small toast-undo" aria-keyshortcuts="Control+Z Meta+Z" title={`Undo (${keyLabel('Mod+z', isMac())})`} onClick={onUndo}>
          Undo
        </button>
      )}
      <button type="button" className="icon-button toast-close" aria-label="Dismiss" onClick={onDismiss}>
        <Icon name="x" size={12} />
      </button>
    </div>
  );
}

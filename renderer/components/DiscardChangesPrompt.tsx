import { useEffect, useRef } from 'react';

export interface DiscardChangesPromptProps {
  /** What would be lost, e.g. "the changes to alice@example.org". */
  what: string;
  onKeep(): void;
  onDiscard(): void;
}

/** Asked before closing or leaving a settings page with edits that were not saved. */
export function DiscardChangesPrompt({ what, onKeep, onDiscard }: DiscardChangesPromptProps) {
  const keepRef = useRef<HTMLButtonElement>(null);
  useEffect(() => keepRef.current?.focus(), []);
  return (
    <div className="discard-prompt" role="alertdialog" aria-labelledby="discard-prompt-text">
      <p id="discard-prompt-text">Discard {what}? They have not been saved.</p>
      <div className="fix-actions">
        <button ref={keepRef} type="button" className="button" onClick={onKeep}>
          Keep editing
        </button>
        <button type="button" className="button danger" onClick={onDiscard}>
          Discard
        </button>
      </div>
    </div>
  );
}

import { useCallback, useRef, useState } from 'react';
import type { Outcome } from '../mail/outcome';

export interface Outcomes {
  /** The outcome the toast shows, or null. */
  shown: Outcome | null;
  /** Counts the outcomes shown, so each toast starts afresh (its timer, whether it is held). */
  serial: number;
  /** An action finished: tell the user (replacing any earlier toast). */
  done(outcome: Outcome): void;
  /** Takes back what the toast shows (Undo, Ctrl/Cmd+Z), once; failures go to `report`. */
  undo(): void;
  dismiss(): void;
}

/** The toast's state: the last outcome; its undo runs once, then "Undone." takes its place. */
export function useOutcomes(report: (error: unknown) => void): Outcomes {
  const [state, setState] = useState<{ shown: Outcome | null; serial: number }>({ shown: null, serial: 0 });
  // The undo must run once per press, outside any state updater (React may run those twice).
  const current = useRef<Outcome | null>(null);
  const show = useCallback((outcome: Outcome | null) => {
    current.current = outcome;
    setState((s) => ({ shown: outcome, serial: s.serial + 1 }));
  }, []);
  const done = useCallback((outcome: Outcome) => show(outcome), [show]);
  const dismiss = useCallback(() => show(null), [show]);
  const undo = useCallback(() => {
    const taken = current.current;
    if (!taken?.undo) return;
    const undoing: Outcome = { message: 'Undoing…', undo: null };
    show(undoing);
    taken.undo().then(
      (words) => {
        if (current.current === undoing) show({ message: words || 'Undone.', undo: null });
      },
      (error: unknown) => {
        if (current.current === undoing) show(null);
        report(error);
      },
    );
  }, [show, report]);
  return { shown: state.shown, serial: state.serial, done, undo, dismiss };
}

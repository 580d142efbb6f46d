import type { Action } from '../actions/action';
import { Icon } from './Icon';

export interface AnswerBarProps {
  actions: readonly Action[];
  /** Runs the action for the message the reader shows. */
  run(action: Action): void;
}

/** Reply, Reply all, Forward under the reader's header, for the message it shows. */
export function AnswerBar({ actions, run }: AnswerBarProps) {
  return (
    <div className="answer-bar" role="group" aria-label="Answer">
      {actions.map((action) => (
        <button key={action.name} type="button" className="button small" onClick={() => run(action)}>
          {action.icon && <Icon name={action.icon} size={14} />}
          {typeof action.label === 'string' ? action.label : action.name}
        </button>
      ))}
    </div>
  );
}


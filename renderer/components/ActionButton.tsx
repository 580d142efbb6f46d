import type { Action, ActionContext } from '../actions/action';
import { labelOf } from '../actions/action';
import { type Dispatcher, keyLabel } from '../actions/dispatcher';
import { Icon } from './Icon';
import { isMac } from './ShortcutHelp';

/** Buttons for the message actions, each labelled and disabled by the action itself. */
export function ActionButton({ action, ctx, dispatcher, showLabel = false }: { action: Action; ctx: ActionContext; dispatcher: Dispatcher; showLabel?: boolean }) {
  const label = labelOf(action, ctx);
  const key = action.keys[0];
  const enabled = action.predicate(ctx);
  return (
    <button
      type="button"
      className={`tool-button ${showLabel ? 'with-label' : ''}`}
      disabled={!enabled}
      aria-label={label}
      aria-keyshortcuts={action.keys.filter((k) => !k.startsWith('Arrow')).join(' ') || undefined}
      title={key ? `${label} (${keyLabel(key, isMac())})` : label}
      data-action={action.name}
      onClick={() => dispatcher.run(action, ctx)}
    >
      {action.icon && <Icon name={action.icon} size={16} />}
      {showLabel && <span>{label}</span>}
    </button>
  );
}


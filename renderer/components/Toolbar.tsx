import type { Action, ActionContext } from '../actions/action';
import type { Dispatcher } from '../actions/dispatcher';
import { ActionButton } from './ActionButton';
import { Icon } from './Icon';

export interface ToolbarProps {
  /** New, Reply, Reply all, Forward: the first group. */
  writeActions?: readonly Action[];
  actions: readonly Action[];
  /** The reader's switches (plain text, source), shown at the toolbar's end. */
  viewActions: readonly Action[];
  ctx: ActionContext;
  dispatcher: Dispatcher;
  onShortcuts(): void;
}

/** The reader pane's toolbar: actions on the selection, then help. */
export function Toolbar({ writeActions = [], actions, viewActions, ctx, dispatcher, onShortcuts }: ToolbarProps) {
  return (
    <div className="toolbar" role="toolbar" aria-label="Message actions">
      {writeActions.length > 0 && (
        <div className="toolbar-group">
          {writeActions.map((action) => (
            <ActionButton key={action.name} action={action} ctx={ctx} dispatcher={dispatcher} />
          ))}
        </div>
      )}
      <div className="toolbar-group">
        {actions.map((action) => (
          <ActionButton key={action.name} action={action} ctx={ctx} dispatcher={dispatcher} />
        ))}
      </div>
      <div className="toolbar-spacer" />
      {ctx.selectedCount > 1 && <span className="toolbar-count muted">{ctx.selectedCount} selected</span>}
      {ctx.readerOpen && (
        <div className="toolbar-group">
          {viewActions.map((action) => (
            <ActionButton key={action.name} action={action} ctx={ctx} dispatcher={dispatcher} showLabel />
          ))}
        </div>
      )}
      <button type="button" className="tool-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={onShortcuts}>
        <Icon name="keyboard" size={16} />
      </button>
    </div>
  );
}

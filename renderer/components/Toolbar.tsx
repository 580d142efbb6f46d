import { type Action, type ActionContext, offeredActions } from '../actions/action';
import type { Dispatcher } from '../actions/dispatcher';
import { ActionButton } from './ActionButton';
import { Icon } from './Icon';
import { formatCount } from '../mail/format';

export interface ToolbarProps {
  /** New, Reply, Reply all, Forward: the first group. */
  writeActions?: readonly Action[];
  actions: readonly Action[];
  /**
   * Junk / Not junk: only the one that fits is shown after the actions (Junk when a mixed selection would
   * offer both; the message menu lists both), so the toolbar's width never changes.
   */
  verdictActions?: readonly Action[];
  /** The reader's switches (plain text, source), shown at the toolbar's end. */
  viewActions: readonly Action[];
  ctx: ActionContext;
  dispatcher: Dispatcher;
  onShortcuts(): void;
}

/** The reader pane's toolbar: actions on the selection, then help. */
export function Toolbar({ writeActions = [], actions, verdictActions = [], viewActions, ctx, dispatcher, onShortcuts }: ToolbarProps) {
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
        {/* One slot for the verdict: Junk and Not junk swap in the same button (a remount dropped the focus
            to the document while the judged message moved, Junk turning into Not junk and back). */}
        {offeredActions(verdictActions, ctx)
          .slice(0, 1)
          .map((action) => (
            <ActionButton key="verdict" action={action} ctx={ctx} dispatcher={dispatcher} />
          ))}
      </div>
      <div className="toolbar-spacer" />
      {ctx.selectedCount > 1 && <span className="toolbar-count muted">{formatCount(ctx.selectedCount)} selected</span>}
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

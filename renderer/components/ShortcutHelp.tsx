import type { Action, ActionContext, ActionGroup } from '../actions/action';
import { labelOf } from '../actions/action';
import { keyLabel } from '../actions/dispatcher';
import { Modal } from './Modal';

const groups: Array<[ActionGroup, string]> = [
  ['navigate', 'Moving around'],
  ['message', 'Messages'],
  ['view', 'Reading'],
  ['app', 'Homing'],
];

export const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform);

/** `?`: every shortcut, read from the same action table the dispatcher uses, so it cannot go stale. */
export function ShortcutHelp({ actions, ctx, onClose }: { actions: readonly Action[]; ctx: ActionContext; onClose(): void }) {
  const mac = isMac();
  return (
    <Modal title="Keyboard shortcuts" className="shortcuts" onClose={onClose}>
      <div className="shortcut-groups">
        {groups.map(([group, title]) => (
          <section key={group} aria-labelledby={`shortcuts-${group}`}>
            <h3 id={`shortcuts-${group}`}>{title}</h3>
            <dl>
              {actions
                .filter((a) => a.group === group && a.keys.length > 0)
                .map((action) => (
                  <div key={action.name} className="shortcut">
                    <dt>{action.help ?? labelOf(action, ctx)}</dt>
                    <dd>
                      {action.keys.map((key, i) => (
                        <span key={key}>
                          {i > 0 && <span className="muted"> or </span>}
                          <kbd>{keyLabel(key, mac)}</kbd>
                        </span>
                      ))}
                    </dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
      <div className="modal-actions">
        <button type="button" className="button primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

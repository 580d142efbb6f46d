import { type KeyboardEvent, useEffect, useRef } from 'react';
import type { Action, ActionContext } from '../actions/action';
import { labelOf } from '../actions/action';
import { keyLabel } from '../actions/dispatcher';
import { Icon } from './Icon';
import { isMac } from './ShortcutHelp';

export interface ContextMenuProps {
  /** What the menu acts on, for assistive technology: "Message actions", "Folder actions". */
  label: string;
  position: { x: number; y: number };
  actions: readonly Action[];
  ctx: ActionContext;
  onRun(action: Action): void;
  onClose(): void;
}

/**
 * A context menu (right click, the menu key, Shift+F10) of the list or of a folder: the same actions as
 * the toolbar and the keys, each enabled by its own predicate.
 */
export function ContextMenu({ label, position, actions, ctx, onRun, onClose }: ContextMenuProps) {
  const ref = useRef<HTMLUListElement>(null);
  const mac = isMac();
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    const away = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [onClose]);

  const keyDown = (event: KeyboardEvent) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown') items[(at + 1) % items.length]?.focus();
    else if (event.key === 'ArrowUp') items[(at - 1 + items.length) % items.length]?.focus();
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  const left = Math.min(position.x, window.innerWidth - 240);
  const top = Math.min(position.y, window.innerHeight - actions.length * 34 - 16);
  return (
    <ul ref={ref} className="context-menu" role="menu" aria-label={label} style={{ left, top }} onKeyDown={keyDown}>
      {actions.map((action) => {
        const enabled = action.predicate(ctx);
        return (
          <li
            key={action.name}
            role="menuitem"
            tabIndex={-1}
            aria-disabled={!enabled}
            className="context-item"
            onClick={() => enabled && onRun(action)}
            onKeyDown={(event) => {
              if ((event.key === 'Enter' || event.key === ' ') && enabled) {
                event.preventDefault();
                onRun(action);
              }
            }}
          >
            {action.icon && <Icon name={action.icon} size={14} />}
            <span className="context-label">{labelOf(action, ctx)}</span>
            {action.keys[0] && <kbd className="context-key">{keyLabel(action.keys[0], mac)}</kbd>}
          </li>
        );
      })}
    </ul>
  );
}

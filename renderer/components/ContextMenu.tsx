import { type KeyboardEvent, useEffect, useRef } from 'react';
import type { Action, ActionContext } from '../actions/action';
import { labelOf } from '../actions/action';
import { keyLabel } from '../actions/dispatcher';
import { Icon, type IconName } from './Icon';
import { isMac } from './ShortcutHelp';

/** One entry of a menu: an action, or a tag of the tag menu (a checkbox, with its colour). */
export interface MenuItem {
  id: string;
  label: string;
  icon?: IconName;
  /** A key descriptor (`u`, `Mod+p`), shown at the end. */
  shortcut?: string;
  enabled: boolean;
  /** A checkbox item's state: every selected message has it, some do, or none. */
  checked?: boolean | 'mixed';
  /** A colour dot before the label (a tag's colour). */
  swatch?: string;
  run(): void;
}

/** A menu's entries for actions, each enabled by its own predicate. */
export function actionItems(actions: readonly Action[], ctx: ActionContext, run: (action: Action) => void): MenuItem[] {
  return actions.map((action) => ({
    id: action.name,
    label: labelOf(action, ctx),
    ...(action.icon ? { icon: action.icon } : {}),
    ...(action.keys[0] ? { shortcut: action.keys[0] } : {}),
    enabled: action.predicate(ctx),
    run: () => run(action),
  }));
}

export interface ContextMenuProps {
  /** What the menu acts on, for assistive technology: "Message actions", "Folder actions", "Tags". */
  label: string;
  position: { x: number; y: number };
  items: readonly MenuItem[];
  onClose(): void;
}

/**
 * A menu at a point (right click, the menu key, Shift+F10, a toolbar button): the list's, a folder's, the
 * tags'. Arrows, Home and End move, Enter or Space chooses, Escape and Tab close.
 */
export function ContextMenu({ label, position, items, onClose }: ContextMenuProps) {
  const ref = useRef<HTMLUListElement>(null);
  const mac = isMac();
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  });
  // Once, when the menu opens: the shell renders again with every sync status, and each render brings a
  // new onClose; focusing the first item then took the focus back from the item the arrows had reached.
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])')?.focus();
    const away = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) closeRef.current();
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, []);

  const keyDown = (event: KeyboardEvent) => {
    const entries = [...(ref.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown') entries[(at + 1) % entries.length]?.focus();
    else if (event.key === 'ArrowUp') entries[(at - 1 + entries.length) % entries.length]?.focus();
    else if (event.key === 'Home') entries[0]?.focus();
    else if (event.key === 'End') entries[entries.length - 1]?.focus();
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  const left = Math.min(position.x, window.innerWidth - 240);
  const top = Math.max(8, Math.min(position.y, window.innerHeight - items.length * 34 - 16));
  return (
    <ul ref={ref} className="context-menu" role="menu" aria-label={label} style={{ left, top }} onKeyDown={keyDown}>
      {items.map((item) => (
        <li
          key={item.id}
          role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
          aria-checked={item.checked}
          tabIndex={-1}
          aria-disabled={!item.enabled}
          className="context-item"
          onClick={() => item.enabled && item.run()}
          onKeyDown={(event) => {
            if ((event.key === 'Enter' || event.key === ' ') && item.enabled) {
              event.preventDefault();
              item.run();
            }
          }}
        >
          {item.checked !== undefined && (
            <span className="context-check" aria-hidden="true">
              {item.checked === true ? <Icon name="check" size={14} /> : item.checked === 'mixed' ? '–' : ''}
            </span>
          )}
          {item.swatch && <span className="tag-dot" aria-hidden="true" style={{ background: item.swatch }} />}
          {item.icon && !item.swatch && <Icon name={item.icon} size={14} />}
          <span className="context-label">{item.label}</span>
          {item.shortcut && <kbd className="context-key">{keyLabel(item.shortcut, mac)}</kbd>}
        </li>
      ))}
    </ul>
  );
}

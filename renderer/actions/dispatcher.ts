import type { ActionName } from '../../shared/contract/action-names';
import type { Action, ActionContext, ActionTarget } from './action';

/**
 * `Mod+f`, `Shift+ArrowDown`, `#`: one spelling for a key press. A printable character is what it types
 * (so `?` and `#` work whatever the keyboard layout needs to type them); named keys carry Shift.
 * Ctrl and Cmd are both `Mod`, so the same table serves Linux, Windows and macOS.
 */
export function keyOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string {
  const mod = event.ctrlKey || event.metaKey ? 'Mod+' : '';
  const alt = event.altKey ? 'Alt+' : '';
  if (event.key.length === 1) {
    const key = mod && /^[A-Z]$/.test(event.key) ? event.key.toLowerCase() : event.key;
    return `${mod}${alt}${mod && event.shiftKey && /^[a-z]$/i.test(key) ? 'Shift+' : ''}${key}`;
  }
  return `${mod}${alt}${event.shiftKey ? 'Shift+' : ''}${event.key}`;
}

/** A key as the overlay and tooltips show it: `Ctrl+F` here, `⌘F` on a Mac. */
export function keyLabel(descriptor: string, mac: boolean): string {
  const parts = descriptor === '+' ? ['+'] : descriptor.split('+').filter(Boolean);
  const names: Record<string, string> = {
    Mod: mac ? '⌘' : 'Ctrl',
    Shift: mac ? '⇧' : 'Shift',
    Alt: mac ? '⌥' : 'Alt',
    ArrowDown: '↓',
    ArrowUp: '↑',
    ArrowLeft: '←',
    ArrowRight: '→',
    Escape: 'Esc',
    Delete: 'Del',
    PageDown: 'Page Down',
    PageUp: 'Page Up',
    ' ': 'Space',
  };
  const shown = parts.flatMap((p) => {
    if (names[p]) return [names[p]];
    // `J` is Shift+j: say so, since the overlay shows letters as typed (lowercase).
    if (/^[A-Z]$/.test(p)) return [names.Shift!, p];
    return [p.length === 1 && parts.length > 1 ? p.toUpperCase() : p];
  });
  return mac ? shown.join('') : shown.join('+');
}

/**
 * Keys that widgets use for themselves (arrows in the folder tree, Enter on a button, Ctrl+A in a field):
 * they act on the message list only when the focus is in it or on nothing in particular. Letters and
 * symbols (j, k, u, #, /) act anywhere but in a text field, as in Gmail.
 */
export const isWidgetKey = (descriptor: string) => /^(Shift\+)?(Arrow|Home$|End$|Page|Enter$|Mod\+a$|Delete$)/.test(descriptor);

export type Scope = 'list' | 'elsewhere' | 'text-field';

/** Shortcuts a text field keeps for its own editing: Ctrl/Cmd+Z there undoes typing, not the last mail action. */
const textEditingKeys = new Set(['Mod+z', 'Mod+Shift+z', 'Mod+y']);

export interface Dispatcher {
  actions: readonly Action[];
  byName(name: ActionName): Action | undefined;
  /** Runs an action if its predicate holds; true when it ran. */
  run(action: Action, ctx: ActionContext): boolean;
  /**
   * Runs the action of that name (the application menu, a drop, a picker), aimed at `target` when given;
   * true when it ran.
   */
  runNamed(name: ActionName, ctx: ActionContext, target?: ActionTarget): boolean;
  /** Finds and runs the action bound to a key press in this scope; true when one ran (the caller prevents the default). */
  handleKey(descriptor: string, scope: Scope, ctx: ActionContext): boolean;
}

export function createDispatcher(actions: readonly Action[]): Dispatcher {
  const byKey = new Map<string, Action>();
  const named = new Map<ActionName, Action>();
  for (const action of actions) {
    if (named.has(action.name)) throw new Error(`Two actions are named ${action.name}`);
    named.set(action.name, action);
    for (const key of action.keys) {
      if (byKey.has(key)) throw new Error(`Two actions are bound to ${key}: ${byKey.get(key)!.name} and ${action.name}`);
      byKey.set(key, action);
    }
  }
  const run = (action: Action, ctx: ActionContext) => {
    if (!action.predicate(ctx)) return false;
    const result = action.perform(ctx);
    if (result instanceof Promise) result.catch((error: unknown) => ctx.report(error));
    return true;
  };
  return {
    actions,
    byName: (name) => named.get(name),
    run,
    runNamed(name, ctx, target) {
      const action = named.get(name);
      return action ? run(action, target ? { ...ctx, target } : ctx) : false;
    },
    handleKey(descriptor, scope, ctx) {
      const action = byKey.get(descriptor);
      if (!action) return false;
      // In a text field only Escape and Mod+ shortcuts act; typing stays typing.
      if (scope === 'text-field' && !(descriptor === 'Escape' || (descriptor.startsWith('Mod+') && !textEditingKeys.has(descriptor)))) return false;
      if (isWidgetKey(descriptor) && scope !== 'list') return false;
      return run(action, { ...ctx, target: { ...ctx.target, key: descriptor } });
    },
  };
}

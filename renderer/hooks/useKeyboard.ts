import { useEffect, useRef } from 'react';
import type { ActionContext } from '../actions/action';
import { type Dispatcher, keyOf, type Scope } from '../actions/dispatcher';

/** A field the user types in (its keys are its own). */
export const isTextField = (element: Element | null): boolean =>
  element instanceof HTMLElement && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName));

function scopeOf(target: EventTarget | null): Scope {
  const element = target instanceof HTMLElement ? target : null;
  if (!element || element === document.body) return 'list';
  if (isTextField(element)) return 'text-field';
  if (element.closest('[data-keyscope="list"]')) return 'list';
  return 'elsewhere';
}

/**
 * Sends key presses to the action dispatcher. Quiet while a modal dialog is open (it has its own keys)
 * and for keys already handled by a widget (the folder tree, the splitters, menus stop propagation).
 */
export function useKeyboard(dispatcher: Dispatcher, context: () => ActionContext): void {
  const contextRef = useRef(context);
  useEffect(() => {
    contextRef.current = context;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (document.querySelector('dialog[open]')) return;
      const descriptor = keyOf(event);
      if (dispatcher.handleKey(descriptor, scopeOf(event.target), contextRef.current())) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dispatcher]);
}

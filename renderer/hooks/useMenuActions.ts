import { useEffect, useRef } from 'react';
import type { ActionContext } from '../actions/action';
import type { Dispatcher } from '../actions/dispatcher';
import { api } from '../api/client';

/**
 * The application menu (Electron) names an action; it runs through the same dispatcher as the keys and
 * the toolbar, with the window's current context. The event's names are the registry's (ActionName).
 */
export function useMenuActions(dispatcher: Dispatcher, context: () => ActionContext): void {
  const contextRef = useRef(context);
  useEffect(() => {
    contextRef.current = context;
  });
  useEffect(() => api.on('menuActionRequested', ({ action }) => void dispatcher.runNamed(action, contextRef.current())), [dispatcher]);
}

import { type RefObject, useCallback, useEffect, useRef } from 'react';

/** The element can no longer hold the focus: gone from the page, disabled, or inside hidden content. */
const cannotHoldFocus = (element: HTMLElement) =>
  !element.isConnected || (element as HTMLButtonElement).disabled === true || element.closest('[hidden], [inert]') !== null;

/** The first of the candidates that is on screen. */
const firstShown = (candidates: ReadonlyArray<HTMLElement | null>) => candidates.find((c) => c !== null && c.getClientRects().length > 0) ?? null;

/**
 * Keeps the focus in the window when the element holding it is disabled or removed under it: the
 * toolbar's Not junk once the last message has left Junk, Delete once the folder is empty, a button that
 * turns off while it works. The browser then drops the focus to the document, where a keyboard user is
 * nowhere and a screen reader says nothing; it goes to the first shown of `fallbacks(lost)` instead (the
 * message list, which names the empty folder). Menus and dialogs are left alone while open; they put the
 * focus back where it was when they close, so that element stays the one watched: a folder deleted
 * through its menu and confirm is gone by then, and the focus is rescued from it. A focus the user
 * moved away (a click on empty space, another window) is not touched.
 */
export function useFocusRescue(container: RefObject<HTMLElement | null>, fallbacks: (lost: HTMLElement) => ReadonlyArray<HTMLElement | null>): void {
  const last = useRef<HTMLElement | null>(null);
  const fallbacksRef = useRef(fallbacks);
  useEffect(() => {
    fallbacksRef.current = fallbacks;
  });
  const rescue = useCallback(() => {
    const was = last.current;
    if (!was || !cannotHoldFocus(was)) return;
    const now = document.activeElement;
    if (now !== null && now !== document.body) return;
    last.current = null;
    firstShown(fallbacksRef.current(was))?.focus();
  }, []);

  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const focusIn = (event: FocusEvent) => {
      const target = event.target instanceof HTMLElement ? event.target : null;
      if (target && target.closest('dialog, [role="dialog"], [role="menu"]')) return;
      last.current = target;
    };
    // Chromium blurs a focused control that became disabled a moment after the change (its focus fixup).
    const focusOut = (event: FocusEvent) => {
      if (event.relatedTarget === null) setTimeout(rescue, 0);
    };
    root.addEventListener('focusin', focusIn);
    root.addEventListener('focusout', focusOut);
    return () => {
      root.removeEventListener('focusin', focusIn);
      root.removeEventListener('focusout', focusOut);
    };
  }, [container, rescue]);

  // An element removed while focused loses the focus without a focusout: look after every render.
  useEffect(() => {
    rescue();
    const later = setTimeout(rescue, 50);
    return () => clearTimeout(later);
  });
}

/**
 * Where a menu opened by a key or a button appears: under the element the selector finds (a toolbar
 * button) when it is shown, else at the top of `fallback` (the message list).
 */
export function menuPoint(selector: string, fallback: HTMLElement | null): { x: number; y: number } {
  const anchor = document.querySelector<HTMLElement>(selector);
  const box = (anchor && anchor.getClientRects().length > 0 ? anchor : fallback)?.getBoundingClientRect();
  return box ? { x: box.left, y: box.bottom + 4 } : { x: 40, y: 80 };
}

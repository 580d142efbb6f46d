import type { Page } from 'playwright-core';

/** An element that is wider inside than its box (its content is cut off or scrolls sideways). */
export interface Overflow {
  selector: string;
  scrollWidth: number;
  clientWidth: number;
}

/**
 * Every element matching the selectors whose content is wider than its box (scrollWidth beyond
 * clientWidth), and the page itself wider than the window. Elements that are not rendered are skipped.
 */
export async function horizontalOverflows(page: Page, selectors: string[]): Promise<Overflow[]> {
  return page.evaluate((list) => {
    const found: Overflow[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth) found.push({ selector: 'html', scrollWidth: root.scrollWidth, clientWidth: window.innerWidth });
    for (const selector of list) {
      document.querySelectorAll<HTMLElement>(selector).forEach((el, i) => {
        if (el.getClientRects().length === 0) return;
        // One pixel of rounding between layout and paint is not clipping.
        if (el.scrollWidth > el.clientWidth + 1) found.push({ selector: `${selector}[${i}]`, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth });
      });
    }
    return found;
  }, selectors);
}

/** Elements matching `selector` that stick out of `container`'s box (clipped by it or by the window). */
export async function outside(page: Page, container: string, selector: string): Promise<string[]> {
  return page.evaluate(
    ({ container, selector }) => {
      const box = document.querySelector(container)?.getBoundingClientRect();
      if (!box) return [`${container} not found`];
      const right = Math.min(box.right, window.innerWidth);
      const out: string[] = [];
      document.querySelectorAll<HTMLElement>(`${container} ${selector}`).forEach((el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) return;
        if (r.left < box.left - 1 || r.right > right + 1) out.push(`${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName} (${Math.round(r.left)}–${Math.round(r.right)} of ${Math.round(box.left)}–${Math.round(right)})`);
      });
      return out;
    },
    { container, selector },
  );
}

/** The rendered width of the first element matching `selector`, or 0. */
export async function widthOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((s) => document.querySelector(s)?.getBoundingClientRect().width ?? 0, selector);
}

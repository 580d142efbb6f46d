import { COMPOSER_PAGE, type ComposeIntent, composeQuery } from '../../shared/compose-intent';
import type { DesktopClient } from '../../shared/desktop-client';

/**
 * Opens a composer. In the app the shell opens a window of its own (so the composer can be beside the mail
 * window, and gets a spell checker); in a plain browser (dev:web, the tests) the composer page opens in a
 * new tab, carrying the bridge token of this page's fragment.
 */
export async function openComposer(intent: ComposeIntent, desktop: DesktopClient | null): Promise<void> {
  if (desktop) return desktop.openComposer(intent);
  window.open(`${COMPOSER_PAGE}?${composeQuery(intent)}${window.location.hash}`, '_blank', 'noopener');
}

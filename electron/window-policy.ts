/**
 * The window's security decisions as plain functions (unit-tested without Electron): every item of
 * Electron's security checklist that is a setting or a decision lives here; main.ts only applies them.
 * https://www.electronjs.org/docs/latest/tutorial/security
 */
import { APP_ORIGIN, isAppUrl } from './ipc-gate';

/** webPreferences for the one window. Typed structurally so this file needs no Electron import. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    // Checklist 3: the preload's world is apart from the page's.
    contextIsolation: true,
    // Checklist 4: the renderer runs in Chromium's sandbox (the preload too: it can require only `electron`).
    sandbox: true,
    // Checklist 2: no Node in the page, its workers or its frames.
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // Checklist 6, 8, 9: same-origin policy on, no mixed content, no experimental or Blink features.
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    // Checklist 12 (and will-attach-webview is refused as well, in harden-contents.ts).
    webviewTag: false,
    // A file dropped on the window must not replace the app with it.
    navigateOnDragDrop: false,
    // Spellcheck dictionaries would be downloaded from Google's servers; a reader has little to spell.
    spellcheck: false,
    // Mail is shown in sandboxed frames; nothing in the app needs a PDF viewer or plugins.
    plugins: false,
    safeDialogs: true,
    autoplayPolicy: 'user-gesture-required',
  } as const;
}

/** Links the user clicks leave the app: only these schemes, and only to the system's handler. */
export function isExternalLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' || protocol === 'mailto:';
  } catch {
    return false;
  }
}

/**
 * `will-navigate` (checklist 13): the app's page never navigates away. Everything is one page on
 * app://homing; a link that reaches here (a mail link without target=_blank) is refused, and is not
 * handed to the browser either, because a navigation can start without the user (a meta refresh).
 */
export function allowNavigation(_url: string): boolean {
  return false;
}

/**
 * `will-frame-navigate` for sub-frames: a frame may hold our own documents (a message rendered from
 * srcdoc, a blob: made by the app, about:blank) and nothing else. A sandboxed message frame navigating
 * itself to a web page would otherwise load that page inside Homing.
 */
export function allowFrameNavigation(url: string, isMainFrame: boolean): boolean {
  if (isMainFrame) return allowNavigation(url);
  if (url === 'about:blank' || url === 'about:srcdoc') return true;
  if (url.startsWith('blob:')) return isAppUrl(url.slice('blob:'.length));
  return isAppUrl(url);
}

/**
 * `setWindowOpenHandler` (checklist 14): no new windows, ever. An http(s) link is passed to the system's
 * handler, which is how a link in a message opens in the user's browser; a mailto: link opens Homing's own
 * composer, prefilled from the link (shared/mailto.ts), instead of whatever mail program the system has.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean; compose: boolean } {
  const compose = /^mailto:/i.test(url.trim());
  return { action: 'deny', openExternally: !compose && isExternalLink(url), compose };
}

/** Permissions the app's own page may use. Everything else (camera, location, notifications …) is refused. */
const grantedToApp: ReadonlySet<string> = new Set([
  // navigator.clipboard.writeText from the app (copy an address); reading the clipboard stays refused.
  'clipboard-sanitized-write',
]);

/**
 * Permission requests and checks (checklist 5): refused, except the few above for our own origin's main
 * frame. Mail runs in sub-frames with opaque origins, so it never matches.
 */
export function allowPermission(permission: string, requestingUrl: string, isMainFrame: boolean): boolean {
  return isMainFrame && grantedToApp.has(permission) && isAppUrl(requestingUrl);
}

/** Headers every response of the app:// protocol carries. */
export function appResponseHeaders(contentType: string, csp: string): Record<string, string> {
  return {
    'content-type': contentType,
    // Checklist 7: the page's Content-Security-Policy (electron/app-csp.ts).
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * The file path an app:// request asks for, or null when the request is not for our origin (only
 * `app://homing/…` is served; the file lookup itself refuses paths that leave the renderer folder).
 */
export function appRequestPath(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return null;
  return parsed.pathname;
}

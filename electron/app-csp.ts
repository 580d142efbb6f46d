import { isComposerPath } from '../shared/compose-intent';

/**
 * The Content-Security-Policy of the app's own page (not of mail: each message's sandboxed frame carries
 * a stricter one of its own). Sent as a header by the Electron protocol handler and by the test bridge.
 *
 * A message frame is a srcdoc document, so it inherits this policy on top of its own (both apply; the
 * stricter wins, renderer/mail/frame-document.ts):
 * - img-src allows http(s) only for that reason: remote images in a message stay blocked by the frame's
 *   own policy until the user allows them for that message or sender.
 * - style-src has 'unsafe-inline' for mail's <style> elements and style attributes (the app itself sets
 *   styles through the CSSOM, which CSP does not govern). No remote stylesheet or font ever loads, even
 *   for a message whose remote content was allowed: only images do.
 * - frame-src admits about: (srcdoc) for the message frames; a frame navigating to a web page is refused.
 */
export function appCsp(options: { bridgeOrigin?: string } = {}): string {
  const connect = options.bridgeOrigin ? `'self' ${options.bridgeOrigin.replace(/^http/, 'ws')}` : "'self'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https: http:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "frame-src 'self' blob: about:",
    "child-src 'self' blob: about:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The composer page's policy (compose.html): the app's, with nothing remote at all unless the user allowed
 * remote images for the message being answered. There the quoted message is part of the page itself (it
 * is edited, not shown in a frame), so this policy is what keeps a quoted newsletter's images, tracking
 * pixels and CSS backgrounds from being fetched, and what runs no script that a sanitiser might miss
 * (script-src 'self': no inline script, no event-handler attribute). Remote images are allowed by the
 * page's address (`?remote=1`), which the composer sets only after the user's click; CSS and fonts stay
 * local either way, and the composer never needs a frame.
 */
export function composerCsp(options: { bridgeOrigin?: string; remoteImages: boolean }): string {
  const connect = options.bridgeOrigin ? `'self' ${options.bridgeOrigin.replace(/^http/, 'ws')}` : "'self'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    options.remoteImages ? "img-src 'self' data: blob: https: http:" : "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'none'",
    `connect-src ${connect}`,
    "frame-src 'none'",
    "child-src 'none'",
    "worker-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy for a page request: the composer's for compose.html (with its remote-images choice), the app's otherwise. */
export function pageCsp(url: string, options: { bridgeOrigin?: string } = {}): string {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://127.0.0.1');
  } catch {
    return appCsp(options);
  }
  if (!isComposerPath(parsed.pathname)) return appCsp(options);
  return composerCsp({ ...options, remoteImages: parsed.searchParams.get('remote') === '1' });
}

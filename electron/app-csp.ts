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

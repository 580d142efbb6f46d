/**
 * The Content-Security-Policy of the app's own page (not of mail: each message's sandboxed frame carries
 * a stricter one of its own). Sent as a header by the Electron protocol handler and by the test bridge.
 *
 * img-src allows http(s) only because a srcdoc frame inherits this policy: remote images in a message stay
 * blocked by the message frame's own policy until the user allows them for that message or sender.
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

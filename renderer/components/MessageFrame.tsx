import { useEffect, useMemo } from 'react';
import { frameDocument, textToFrameHtml } from '../mail/frame-document';
import { sanitizeMailHtml } from '../mail/sanitize-html';

/**
 * The frame's sandbox: no allow-scripts (nothing in mail ever runs), no allow-same-origin (the frame's
 * origin is opaque, so it can reach neither the app's page nor its storage), no allow-forms, no
 * allow-top-navigation (mail cannot navigate the app), no allow-modals (no dialogs).
 *
 * allow-popups is there for links, and only for them: every link is rewritten to target=_blank with
 * rel=noopener noreferrer, because a sandboxed frame may not navigate itself away (and the app's own CSP
 * refuses to load anything but the message into a frame). Clicking one asks for a new window; in Electron
 * the shell's window-open handler denies every window and hands http(s)/mailto links to the system browser
 * (electron/window-policy.ts); in a plain browser it opens a tab, with no opener. Without allow-popups the
 * click would do nothing at all. allow-popups-to-escape-sandbox lets that new tab be a normal page
 * (otherwise the site would open with scripts disabled); it cannot reach back (noopener).
 */
export const FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

export type FrameContent =
  | { kind: 'html'; html: string; allowRemote: boolean; inlineImages: ReadonlyMap<string, string> }
  | { kind: 'text'; text: string }
  | { kind: 'source'; text: string };

export interface MessageFrameProps {
  content: FrameContent;
  dark: boolean;
  title: string;
  /** Tells the reader how many remote references were blocked (to offer loading them). */
  onRemoteBlocked?(count: number): void;
}

interface Built {
  srcdoc: string;
  remoteBlocked: number;
  failed: boolean;
}

function build(content: FrameContent, dark: boolean, title: string): Built {
  const theme = { dark };
  if (content.kind === 'html') {
    try {
      const clean = sanitizeMailHtml(content.html, { allowRemote: content.allowRemote, cidUrls: content.inlineImages });
      return {
        srcdoc: frameDocument(clean.html, { kind: 'html', allowRemote: content.allowRemote, theme, title }),
        remoteBlocked: clean.remoteBlocked,
        failed: false,
      };
    } catch {
      // Fail closed: without a working sanitiser no HTML is shown at all.
      return { srcdoc: frameDocument('', { kind: 'text', allowRemote: false, theme, title }), remoteBlocked: 0, failed: true };
    }
  }
  const body = content.kind === 'text' ? textToFrameHtml(content.text) : `<pre class="homing-source">${escapeText(content.text)}</pre>`;
  return { srcdoc: frameDocument(body, { kind: content.kind, allowRemote: false, theme, title }), remoteBlocked: 0, failed: false };
}

const escapeText = (text: string) => text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

/** The only place mail content is ever rendered: a sandboxed srcdoc frame whose document carries its own CSP. */
export function MessageFrame({ content, dark, title, onRemoteBlocked }: MessageFrameProps) {
  const built = useMemo(() => build(content, dark, title), [content, dark, title]);
  useEffect(() => {
    onRemoteBlocked?.(built.remoteBlocked);
  }, [built, onRemoteBlocked]);

  if (built.failed) {
    return (
      <p className="reader-notice error" role="alert">
        This message’s formatting cannot be shown safely in this window. Use “Show plain text” to read it.
      </p>
    );
  }
  return (
    <iframe
      className="message-frame"
      title={title}
      sandbox={FRAME_SANDBOX}
      srcDoc={built.srcdoc}
      referrerPolicy="no-referrer"
      data-testid="message-frame"
    />
  );
}

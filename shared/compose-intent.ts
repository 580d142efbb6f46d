import * as z from 'zod';
import { MAX_MAILTO_CHARS } from './mailto';
import { responseModes } from './contract/outgoing';

/**
 * What a composer window opens for: a new message, an answer to a stored message, a saved draft, or a
 * mailto: link. It travels in the composer page's address (`compose.html?reply=12&mode=reply-all`), so a
 * window can be reloaded, and the shell can open one for the system's mailto: handler, without anything
 * else being passed around. `remote` says the user allowed remote images for this message: the page's
 * Content-Security-Policy is chosen from it when the page is served (electron/app-csp.ts).
 */
export const composeIntentSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('new'), accountId: z.string().min(1).max(64).optional() }),
  z.strictObject({ kind: z.literal('response'), messageId: z.number().int().positive(), mode: z.enum(responseModes) }),
  z.strictObject({ kind: z.literal('draft'), draftId: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('mailto'), uri: z.string().min(7).max(MAX_MAILTO_CHARS), accountId: z.string().min(1).max(64).optional() }),
]);
export type ComposeIntent = z.output<typeof composeIntentSchema>;

export const COMPOSER_PAGE = 'compose.html';

/** The query string of a composer page for `intent` (without `?`). */
export function composeQuery(intent: ComposeIntent, options: { remote?: boolean } = {}): string {
  const params = new Map<string, string>();
  switch (intent.kind) {
    case 'new':
      params.set('new', intent.accountId ?? '');
      break;
    case 'response':
      params.set('respond', String(intent.messageId));
      params.set('mode', intent.mode);
      break;
    case 'draft':
      params.set('draft', String(intent.draftId));
      break;
    case 'mailto':
      params.set('mailto', intent.uri);
      if (intent.accountId) params.set('account', intent.accountId);
      break;
  }
  if (options.remote) params.set('remote', '1');
  return [...params].map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
}

/** A query string's parameters (the first of each name); `+` is a space, as forms write it. */
function readQuery(search: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
      } catch {
        return text;
      }
    };
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (!params.has(key)) params.set(key, decode(eq < 0 ? '' : pair.slice(eq + 1)));
  }
  return params;
}

/** The intent and remote-content choice of a composer page's query string; a new message when it names none. */
export function readComposeQuery(search: string): { intent: ComposeIntent; remote: boolean } {
  const params = readQuery(search);
  const remote = params.get('remote') === '1';
  const candidate = (() => {
    if (params.has('draft')) return { kind: 'draft', draftId: Number(params.get('draft')) };
    if (params.has('respond')) return { kind: 'response', messageId: Number(params.get('respond')), mode: params.get('mode') ?? 'reply' };
    if (params.has('mailto')) {
      const account = params.get('account');
      return { kind: 'mailto', uri: params.get('mailto') ?? '', ...(account ? { accountId: account } : {}) };
    }
    const account = params.get('new');
    return { kind: 'new', ...(account ? { accountId: account } : {}) };
  })();
  const parsed = composeIntentSchema.safeParse(candidate);
  return { intent: parsed.success ? parsed.data : { kind: 'new' }, remote };
}

/** True for a request path that is the composer page (the server gives it the composer's policy). */
export const isComposerPath = (path: string) => path.replace(/^\/+/, '').split('?')[0] === COMPOSER_PAGE;

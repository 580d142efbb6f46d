import type { MailClient } from '../../shared/client';
import { readAddressList } from '../../shared/address-list';
import type { ComposeIntent } from '../../shared/compose-intent';
import type { Account } from '../../shared/contract/accounts';
import type { AttachmentInfo, MessageDetail } from '../../shared/contract/messages';
import type { ComposeContent, Identity, QuotedOriginal, ResponseTo } from '../../shared/contract/outgoing';
import { parseMailto } from '../../shared/mailto';
import { type RecipientChip, chipsOf, toChips } from '../components/compose/RecipientField';
import type { EditorContent } from '../components/compose/RichEditor';
import { escapeHtml } from '../mail/frame-document';
import { normaliseContentId } from '../mail/sanitize-html';
import { attachmentKey, type ComposerAttachment } from './attachments';
import { textToEditorHtml } from './editor-html';
import { buildHtmlQuote } from './quote-html';
import { plainQuote } from './quote-text';
import type { WritingPreferences } from './writing-preferences';

/** Everything a composer window starts from. */
export interface ComposeSetup {
  /** Accounts that can send (not Local Folders). */
  accounts: Account[];
  identities: Identity[];
  accountId: string | null;
  identityId: number | null;
  to: RecipientChip[];
  cc: RecipientChip[];
  bcc: RecipientChip[];
  subject: string;
  format: 'html' | 'plain';
  editor: EditorContent;
  plainText: string;
  /** Where the cursor starts in plain text. */
  plainCursor: number;
  attachments: ComposerAttachment[];
  responseTo: ResponseTo | null;
  draftId: number | null;
  /** The message's own pictures (`cid:` → data: URL). */
  cidUrls: Map<string, string>;
  /** Things the user should know about how the message was prepared. */
  notices: string[];
}

/** Pictures larger than this are not turned into data: URLs for the quote (they stay attachments of the original). */
const MAX_INLINE_PICTURE_BYTES = 10 * 1024 * 1024;

const signatureOf = (identity: Identity | undefined) => ({
  html: identity ? identity.signatureHtml || (identity.signatureText ? escapeHtml(identity.signatureText).replace(/\r?\n/g, '<br>') : '') : '',
  text: identity?.signatureText || '',
});

export const signatureHtmlOf = (identity: Identity | undefined) => signatureOf(identity).html;
export const signatureTextOf = (identity: Identity | undefined) => signatureOf(identity).text;

const defaultIdentity = (identities: Identity[], accountId: string | null) =>
  identities.find((i) => i.accountId === accountId && i.isDefault) ?? identities.find((i) => i.accountId === accountId);

/**
 * A new message's or answer's body, the signature and quote where the preferences put them: by default the
 * user writes above the quote and the signature comes before it; "reply below" puts the quote first and the
 * signature after the reply; "signature below the quote" puts it at the very end.
 */
function startingBody(
  identity: Identity | undefined,
  prefs: WritingPreferences,
  quote: { html: DocumentFragment | null; text: string } | null,
): { editor: EditorContent; plainText: string; plainCursor: number } {
  const signature = signatureOf(identity);
  const signatureBlock = signature.html ? `<div class="homing-signature"><div>-- </div>${signature.html}</div>` : '';
  const quoteFirst = quote !== null && prefs.replyBelowQuote;
  const signatureAfterQuote = quote !== null && !quoteFirst && prefs.signatureBelowQuote;
  const editor: EditorContent = {
    html:
      '<div><br></div>' +
      (signatureBlock && !signatureAfterQuote ? `<div><br></div>${signatureBlock}` : '') +
      (quote !== null && !quoteFirst ? '<div><br></div>' : ''),
    quote: quote?.html ?? null,
    quoteFirst,
    signatureAfterQuote: signatureAfterQuote && signature.html ? signature.html : null,
  };
  const signatureText = signature.text ? `-- \n${signature.text}` : '';
  if (quote === null) return { editor, plainText: signatureText ? `\n\n${signatureText}` : '', plainCursor: 0 };
  if (quoteFirst) return { editor, plainText: `${quote.text}\n\n${signatureText ? `\n${signatureText}` : ''}`, plainCursor: quote.text.length + 1 };
  if (signatureAfterQuote) return { editor, plainText: `\n\n${quote.text}${signatureText ? `\n\n${signatureText}` : ''}`, plainCursor: 0 };
  return { editor, plainText: `\n\n${signatureText ? `${signatureText}\n\n` : ''}${quote.text}`, plainCursor: 0 };
}

/** The original's pictures as data: URLs, for a quote that shows them (and sends them as parts of the answer). */
async function pictureUrls(api: MailClient, detail: MessageDetail | null, html: string | null): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  if (!detail || !html || !/cid:/i.test(html)) return urls;
  const parts = detail.attachmentList.filter((a) => a.contentId && a.contentType.toLowerCase().startsWith('image/') && a.size <= MAX_INLINE_PICTURE_BYTES);
  await Promise.all(
    parts.map(async (part) => {
      try {
        const file = await api.getAttachment({ messageId: detail.id, attachmentId: part.id });
        urls.set(normaliseContentId(part.contentId!), `data:${part.contentType};base64,${file.base64}`);
      } catch {
        // Not stored (headers only): the quote shows the picture's box empty.
      }
    }),
  );
  return urls;
}

function keptAttachments(content: ComposeContent, detail: MessageDetail | null, quotedCids: Set<string>): ComposerAttachment[] {
  const byId = new Map<number, AttachmentInfo>((detail?.attachmentList ?? []).map((a) => [a.id, a]));
  const out: ComposerAttachment[] = [];
  for (const source of content.attachments) {
    if (source.kind === 'data') {
      if (source.contentId) continue; // a picture in the text: it comes back from the editor's markup
      out.push({ key: attachmentKey(), kind: 'kept', source, name: source.filename, size: Math.floor((source.base64.length * 3) / 4) });
    } else if (source.kind === 'message-attachment') {
      const info = byId.get(source.attachmentId);
      // Pictures the quote shows are sent as parts of the answer's own text, not twice.
      if (info?.contentId && quotedCids.has(normaliseContentId(info.contentId))) continue;
      out.push({ key: attachmentKey(), kind: 'kept', source, name: info?.filename ?? 'attachment', size: info?.size ?? 0 });
    } else {
      out.push({ key: attachmentKey(), kind: 'kept', source, name: `${(detail?.subject || 'message').slice(0, 80)}.eml`, size: detail?.size ?? 0 });
    }
  }
  return out;
}

export interface LoadOptions {
  prefs: WritingPreferences;
  allowRemote: boolean;
  locale?: string;
}

export async function loadCompose(api: MailClient, intent: ComposeIntent, options: LoadOptions): Promise<ComposeSetup> {
  const [allAccounts, identities] = await Promise.all([api.listAccounts({}), api.listIdentities({})]);
  const accounts = allAccounts.filter((a) => a.capabilities.hasServer);
  const formatFor = (accountId: string | null): 'html' | 'plain' => (accountId && options.prefs.plainTextAccounts.includes(accountId) ? 'plain' : 'html');
  const base = { accounts, identities, notices: [] as string[], cidUrls: new Map<string, string>() };

  if (intent.kind === 'draft') {
    const draft = await api.getDraft({ id: intent.draftId });
    const content = draft.content;
    const cidUrls = new Map<string, string>();
    for (const a of content.attachments) {
      if (a.kind === 'data' && a.contentId && a.contentType.startsWith('image/')) cidUrls.set(normaliseContentId(a.contentId), `data:${a.contentType};base64,${a.base64}`);
    }
    const detail =
      content.responseTo && content.attachments.some((a) => a.kind !== 'data') ? await api.getMessage({ id: content.responseTo.messageId }).catch(() => null) : null;
    return {
      ...base,
      cidUrls,
      accountId: content.accountId,
      identityId: content.identityId ?? null,
      to: chipsOf(content.to),
      cc: chipsOf(content.cc),
      bcc: chipsOf(content.bcc),
      subject: content.subject,
      format: content.html === null ? 'plain' : 'html',
      editor: { html: content.html ?? textToEditorHtml(content.text), quote: null, quoteFirst: false, signatureAfterQuote: null },
      plainText: content.text,
      plainCursor: 0,
      attachments: keptAttachments(content, detail, new Set()),
      responseTo: content.responseTo,
      draftId: draft.id,
    };
  }

  if (intent.kind === 'response') {
    const prepared = await api.prepareResponse({ messageId: intent.messageId, mode: intent.mode });
    const content = prepared.content;
    const original: QuotedOriginal = prepared.original;
    // The original's details only when they are needed (a 50 MB message is parsed again for them): its
    // pictures for the quote, the names of the attachments a forward keeps.
    const needsDetail = (original.html !== null && /cid:/i.test(original.html)) || content.attachments.some((a) => a.kind !== 'data');
    const detail = needsDetail ? await api.getMessage({ id: original.messageId }).catch(() => null) : null;
    const cidUrls = await pictureUrls(api, detail, original.html);
    const accountId = content.accountId;
    const identityId = content.identityId ?? defaultIdentity(identities, accountId)?.id ?? null;
    const identity = identities.find((i) => i.id === identityId);
    const format = formatFor(accountId);
    const notices: string[] = [];
    let quoteHtml: DocumentFragment | null = null;
    if (format === 'html') {
      const built = buildHtmlQuote(original, intent.mode, { cidUrls, ...(options.locale ? { locale: options.locale } : {}) });
      quoteHtml = built?.nodes ?? null;
      if (built?.notice) notices.push(built.notice);
    }
    const originalText = original.text ?? (original.html ? new DOMParser().parseFromString(original.html, 'text/html').body.innerText : '');
    const quoteText = plainQuote(original, intent.mode, originalText, options.locale);
    const body = startingBody(identity, options.prefs, intent.mode === 'forward-attachment' ? null : { html: quoteHtml, text: quoteText });
    return {
      ...base,
      cidUrls,
      notices,
      accountId,
      identityId,
      to: chipsOf(content.to),
      cc: chipsOf(content.cc),
      bcc: chipsOf(content.bcc),
      subject: content.subject,
      format,
      ...body,
      attachments: keptAttachments(content, detail, new Set(cidUrls.keys())),
      responseTo: content.responseTo,
      draftId: null,
    };
  }

  // A new message, or one from a mailto: link.
  const mailto = intent.kind === 'mailto' ? parseMailto(intent.uri) : null;
  const wanted = intent.kind === 'new' || intent.kind === 'mailto' ? intent.accountId : undefined;
  const accountId = (wanted && accounts.some((a) => a.id === wanted) ? wanted : accounts[0]?.id) ?? null;
  const identity = defaultIdentity(identities, accountId);
  const format = formatFor(accountId);
  const body = startingBody(identity, options.prefs, null);
  if (mailto?.body) {
    body.editor.html = `${textToEditorHtml(mailto.body)}${body.editor.html}`;
    body.plainText = `${mailto.body}${body.plainText}`;
  }
  return {
    ...base,
    notices: intent.kind === 'mailto' && !mailto ? ['The mailto: link could not be read; the message starts empty.'] : [],
    accountId,
    identityId: identity?.id ?? null,
    to: toChips(readAddressList((mailto?.to ?? []).join(', '))),
    cc: toChips(readAddressList((mailto?.cc ?? []).join(', '))),
    bcc: toChips(readAddressList((mailto?.bcc ?? []).join(', '))),
    subject: mailto?.subject ?? '',
    format,
    ...body,
    attachments: [],
    responseTo: null,
    draftId: null,
  };
}

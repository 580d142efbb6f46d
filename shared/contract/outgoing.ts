import * as z from 'zod';
import type { ErrorData } from '../errors';
import type { Address } from './messages';
import { command, event, query } from './define';

/**
 * Sending mail: identities, the composer's drafts, replies and forwards, and the outbox. The composer
 * window and the CLI's `send`/`outbox` use these methods alone; the outgoing server itself is part of the
 * account (`smtp` in shared/contract/accounts.ts).
 *
 * A message is built once (MIME with a fixed Message-ID and Date) when it enters the outbox; those exact
 * bytes are submitted, filed in Sent (with a Bcc field added when there were blind copies: the sender's copy
 * says to whom they went, RFC 5322 section 3.6.3) and kept in the store. The outbox moves each message through
 * `queued → sending → sent → filed`: `sent` is committed the moment the server answers 250 to DATA, and a
 * message is never submitted again on its own once DATA may have been accepted (`uncertain`).
 */

const accountIdSchema = z.string().min(1).max(64);
const rowIdSchema = z.number().int().positive();

/** Mail bodies and attachment data as the composer hands them over (base64 grows data by a third). */
const MAX_BODY_CHARS = 20 * 1024 * 1024;
const MAX_ATTACHMENT_BASE64_CHARS = 64 * 1024 * 1024;

/**
 * A mailbox: `local@domain`, where the local part may be non-ASCII (sent only to servers that offer
 * SMTPUTF8; the send is refused with SMTPUTF8_UNSUPPORTED before submission otherwise). Display names
 * are plain text; MIME encoding is the engine's job.
 */
export const mailAddressSchema = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.?[^\s@<>(),;:"\\[\]]*$/, 'an e-mail address (name@example.org)');

export const recipientSchema = z.strictObject({
  name: z.string().max(200).default(''),
  address: mailAddressSchema,
});
export type Recipient = z.output<typeof recipientSchema>;

const recipientsSchema = z.array(recipientSchema).max(1000).default([]);

// ——— Identities ———————————————————————————————————————————————————————————————————————————————

/**
 * Who a message is from. Every account has at least one (made from its address when it is added);
 * the default one is used unless the composer picks another, and a reply uses the identity whose
 * address the original was sent to.
 */
export interface Identity {
  id: number;
  accountId: string;
  /** Display name in From:. */
  name: string;
  address: string;
  /** Reply-To: when set. */
  replyTo: string | null;
  /** Signature as plain text (the text/plain alternative and plain-text mail). Empty: none. */
  signatureText: string;
  /** Signature as HTML (the composer inserts it; sanitised like any HTML it shows). Empty: none. */
  signatureHtml: string;
  isDefault: boolean;
}

export const identityInputSchema = z.strictObject({
  /** Leave out to add a new identity; give it to change one. */
  id: rowIdSchema.optional(),
  accountId: accountIdSchema,
  name: z.string().trim().max(200).default(''),
  address: mailAddressSchema,
  replyTo: mailAddressSchema.nullable().default(null),
  signatureText: z.string().max(100_000).default(''),
  signatureHtml: z.string().max(500_000).default(''),
  /** true makes it the account's default (the previous default stops being one). */
  isDefault: z.boolean().default(false),
});
export type IdentityInput = z.input<typeof identityInputSchema>;

// ——— What a message is made of ——————————————————————————————————————————————————————————————————

/**
 * Where an attachment's bytes come from. There is deliberately no "file at this path": a page must never
 * choose which file of this computer leaves it by mail. The composer reads the files the user picked and
 * hands over their bytes; the CLI does the same for `--attach`.
 */
export const attachmentSourceSchema = z.discriminatedUnion('kind', [
  /** Bytes handed over by the composer (a picked file, drag and drop, paste) or the CLI. */
  z.strictObject({
    kind: z.literal('data'),
    filename: z.string().min(1).max(255),
    contentType: z.string().min(3).max(255).default('application/octet-stream'),
    base64: z.string().max(MAX_ATTACHMENT_BASE64_CHARS),
    /** Set for an image the HTML body shows inline as `cid:…`. */
    contentId: z.string().min(1).max(250).optional(),
  }),
  /** An attachment of a stored message (a forward keeps the original's attachments). */
  z.strictObject({ kind: z.literal('message-attachment'), messageId: rowIdSchema, attachmentId: rowIdSchema }),
  /** A whole stored message, attached as `message/rfc822` (.eml): "forward as attachment". */
  z.strictObject({ kind: z.literal('message'), messageId: rowIdSchema }),
]);
export type AttachmentSource = z.output<typeof attachmentSourceSchema>;

/**
 * What the message answers: a reply gets In-Reply-To and References and sets `\Answered` on the original,
 * a forward sets `$Forwarded` (both queued for the server like any flag change, so offline works).
 */
export const responseToSchema = z.strictObject({
  kind: z.enum(['reply', 'forward']),
  messageId: rowIdSchema,
});
export type ResponseTo = z.output<typeof responseToSchema>;

/** A message as the composer (or the CLI) describes it; the engine builds the MIME from it. */
export const composeSchema = z.strictObject({
  accountId: accountIdSchema,
  /** Leave out for the account's default identity. */
  identityId: rowIdSchema.optional(),
  to: recipientsSchema,
  cc: recipientsSchema,
  bcc: recipientsSchema,
  subject: z.string().max(2000).default(''),
  /** The plain-text body (always sent: the text/plain part, or the alternative of the HTML). */
  text: z.string().max(MAX_BODY_CHARS).default(''),
  /** The HTML body, or null for plain-text mail. */
  html: z.string().max(MAX_BODY_CHARS).nullable().default(null),
  attachments: z.array(attachmentSourceSchema).max(500).default([]),
  responseTo: responseToSchema.nullable().default(null),
});
/** Compose content as a caller writes it (defaults may be left out). */
export type ComposeInput = z.input<typeof composeSchema>;
/** Compose content with defaults filled in: what drafts hold and what prepareResponse returns. */
export type ComposeContent = z.output<typeof composeSchema>;

/** How to answer a stored message. `forward-attachment` attaches the original as an .eml. */
export const responseModes = ['reply', 'reply-all', 'forward-inline', 'forward-attachment'] as const;
export type ResponseMode = (typeof responseModes)[number];

/** The original message, for the composer to quote (it sanitises the HTML with the reader's rules). */
export interface QuotedOriginal {
  messageId: number;
  from: Address | null;
  to: Address[];
  cc: Address[];
  /** ISO 8601, or null when the original has no usable date. */
  date: string | null;
  subject: string;
  text: string | null;
  html: string | null;
}

/**
 * A prefilled message answering another: recipients (reply-all without the user's own addresses and
 * without duplicates), `Re:`/`Fwd:` subject without stacking, the identity the original was sent to,
 * the original's attachments for a forward, `responseTo` set. The body is left to the composer, which
 * quotes `original`; `content.text` holds a plain-text quote for callers that do not (the CLI).
 */
export interface PreparedResponse {
  content: ComposeContent;
  original: QuotedOriginal;
}

// ——— Drafts ——————————————————————————————————————————————————————————————————————————————————

/**
 * A message being written. Saved locally at every `saveDraft` (the composer calls it, debounced), so a
 * crash loses nothing; copied to the server's Drafts folder in the background (APPEND, then the previous
 * copy removed by its UID). A copy someone changed on the server meanwhile is never removed: it stays as
 * a message of its own in Drafts.
 */
export interface Draft {
  id: number;
  accountId: string;
  content: ComposeContent;
  createdAt: string;
  updatedAt: string;
  /**
   * The server copy: `local` (none yet, or a POP3/local account: the draft lives here only), `pending`
   * (the newest revision is queued for the server), `saved` (the server has the newest revision),
   * `failed` (the server refused it; `serverError` says why; kept locally, retried at the next save).
   */
  serverCopy: 'local' | 'pending' | 'saved' | 'failed';
  serverError: ErrorData | null;
}

/** A draft in a list: enough to show it and reopen it. */
export interface DraftSummary {
  id: number;
  accountId: string;
  subject: string;
  to: Recipient[];
  updatedAt: string;
  serverCopy: Draft['serverCopy'];
}

// ——— The outbox ——————————————————————————————————————————————————————————————————————————————

/**
 * - `queued`: waiting to be submitted: the undo delay, a "send later" time, no network yet, or a retry
 *   after a temporary failure (`notBefore` says when; `lastError` why).
 * - `sending`: being submitted now.
 * - `sent`: the server accepted it (250 after DATA); the copy in Sent is still to be filed (retried on
 *   its own; never sent again).
 * - `filed`: sent and filed in Sent. Done.
 * - `uncertain`: the connection ended after the whole message was handed over and before the server's
 *   answer: it may have been sent. Never retried on its own; the user chooses (`markOutboxSent`,
 *   `retryOutbox`, `cancelOutbox`).
 * - `failed`: the server refused it for good (5xx: `lastError` has its words), or it cannot be sent as it
 *   is (too large, a recipient the server cannot take). Back to the user: retry, or cancel to a draft.
 */
export const outboxStates = ['queued', 'sending', 'sent', 'filed', 'uncertain', 'failed'] as const;
export type OutboxState = (typeof outboxStates)[number];

export interface OutboxItem {
  id: number;
  accountId: string;
  identityId: number | null;
  /** The Message-ID header, without angle brackets. */
  messageId: string;
  subject: string;
  from: Recipient;
  /** Envelope recipients (To, Cc and Bcc), each address once. */
  recipients: string[];
  /** Size of the built message in bytes. */
  size: number;
  state: OutboxState;
  /** ISO 8601: not submitted before this (undo delay, "send later", next retry); null: as soon as possible. */
  notBefore: string | null;
  /** Submission attempts so far. */
  attempts: number;
  lastError: ErrorData | null;
  /** Recipients the server refused while accepting the others (the message went to those only). */
  rejected: Array<{ address: string; response: string }>;
  /**
   * The user has seen `rejected` (acknowledgeOutboxRefusals). No bounce comes for an address refused this
   * way, so a sent message with refusals stays in the outbox's list, even filed, until then.
   */
  refusalsSeen: boolean;
  /** When the server accepted the message (250 after DATA). */
  sentAt: string | null;
  /**
   * The copy in Sent: `appended` (we filed it), `server` (the server filed its own, found by Message-ID),
   * `local` (a POP3 account's local Sent folder), null while not filed yet.
   */
  sentCopy: 'appended' | 'server' | 'local' | null;
  filedAt: string | null;
  createdAt: string;
  /** What the message answered, so a cancelled message goes back to a draft with its context. */
  responseTo: ResponseTo | null;
  /**
   * Set on an item that sends an already sent message (this outbox id) again, to the recipients the
   * server answered "not now" (4xx) while it took the message for the others. It is tried on the
   * outbox's backoff and `failed` once Homing gives up; it is never filed in Sent (the first one was).
   */
  resendOf: number | null;
  /**
   * For a resend: the first message's recipients who have it already (the server took it for them), so the
   * Outbox can say who got it while these wait. Empty for any other item.
   */
  sentTo: string[];
}

const sendAtSchema = z.iso.datetime({ offset: true });

export const outgoingMethods = {
  listIdentities: query(z.strictObject({ accountId: accountIdSchema.optional() })).returns<Identity[]>(),
  /** Adds (no `id`) or changes an identity. */
  saveIdentity: command(identityInputSchema).returns<Identity>(),
  /** Removes an identity; an account's last identity cannot be removed. */
  removeIdentity: command(z.strictObject({ id: rowIdSchema })).returns<void>(),

  /** A message answering a stored one, prefilled (see PreparedResponse); nothing is stored. */
  prepareResponse: query(z.strictObject({ messageId: rowIdSchema, mode: z.enum(responseModes) })).returns<PreparedResponse>(),

  /** Saves a draft locally (a new one without `id`) and queues its copy to the server's Drafts. */
  saveDraft: command(z.strictObject({ id: rowIdSchema.optional(), content: composeSchema })).returns<Draft>(),
  listDrafts: query(z.strictObject({ accountId: accountIdSchema.optional() })).returns<DraftSummary[]>(),
  getDraft: query(z.strictObject({ id: rowIdSchema })).returns<Draft>(),
  /** Deletes a draft here and the copy we put on the server. */
  deleteDraft: command(z.strictObject({ id: rowIdSchema })).returns<void>(),

  /**
   * Builds the message once and puts it in the outbox (a draft named by `draftId` is removed in the same
   * transaction). It is submitted after the account's undo delay (`settings.undoSendSeconds`, 10 s by
   * default; `delaySeconds` overrides it, 0 for none), or at `sendAt` ("send later"). Resolves at once with
   * the queued item; progress comes as `outboxChanged` events.
   * Refused before anything is queued: no outgoing server (NO_OUTGOING_SERVER), an attachment that cannot
   * be read, no recipient.
   */
  sendMessage: command(
    z.strictObject({
      content: composeSchema,
      draftId: rowIdSchema.optional(),
      sendAt: sendAtSchema.optional(),
      delaySeconds: z.number().int().min(0).max(3600).optional(),
    }),
  ).returns<OutboxItem>(),
  /**
   * Everything waiting (not `filed`), and filed messages with recipients the server refused that the user
   * has not seen yet, oldest first; `includeFiled` adds the other filed ones still kept.
   */
  listOutbox: query(z.strictObject({ accountId: accountIdSchema.optional(), includeFiled: z.boolean().default(false) })).returns<OutboxItem[]>(),
  /**
   * Submits now whatever is due (the named items even if their undo delay or retry wait has not ended;
   * never a `sent`, `filed` or `uncertain` one) and files what is sent. Resolves when those attempts have
   * ended, with the items as they then stand. `homing send` and `homing sync` use it.
   */
  /** `retryWaiting`: the user asked for it, so a message waiting out a retry's backoff is tried now too. */
  flushOutbox: command(
    z.strictObject({ accountId: accountIdSchema.optional(), ids: z.array(rowIdSchema).max(1000).optional(), retryWaiting: z.boolean().optional() }),
  ).returns<OutboxItem[]>(),
  /** `failed` or `uncertain` → `queued` now (for `uncertain`, the user's explicit "send it again"). */
  retryOutbox: command(z.strictObject({ id: rowIdSchema })).returns<OutboxItem>(),
  /** `uncertain` → `sent`: the user checked that it did go out; it is then filed in Sent. */
  markOutboxSent: command(z.strictObject({ id: rowIdSchema })).returns<OutboxItem>(),
  /**
   * Takes a message out of the outbox and back to a draft (nothing is lost): "Undo send" during the
   * delay, cancelling a "send later", or giving up on a failed/uncertain one. Refused (INVALID_ARGUMENT)
   * while `sending`, and once `sent`.
   */
  cancelOutbox: command(z.strictObject({ id: rowIdSchema })).returns<{ draftId: number }>(),
  /**
   * Stops sending a resend (`resendOf`, queued or failed) to its recipients: they do not get the message,
   * which the others have. The item is done and leaves the list; the message stays in Sent, and its reading
   * pane names them (`MessageDetail.undelivered`) with the server's last words. INVALID_ARGUMENT for any
   * other item (a message nobody has is cancelled to a draft instead).
   */
  giveUpOutbox: command(z.strictObject({ id: rowIdSchema })).returns<OutboxItem>(),
  /** The user has seen the recipients the server refused for a sent message (`refusalsSeen`); once filed, it leaves the list. */
  acknowledgeOutboxRefusals: command(z.strictObject({ id: rowIdSchema })).returns<OutboxItem>(),
};

export const outgoingEvents = {
  /** An outbox item was added, changed state, or left the outbox. */
  outboxChanged: event(z.object({ accountId: z.string(), ids: z.array(z.number()) })),
  draftsChanged: event(z.object({ accountId: z.string(), ids: z.array(z.number()) })),
  identitiesChanged: event(z.object({ accountId: z.string() })),
};

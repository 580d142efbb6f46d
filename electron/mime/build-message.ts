import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { MailComposer } from './lazy-modules';
import { prepareOutgoingBody } from './outgoing-body';

/** A mailbox for a header: display name (may be empty) and address. */
export interface MailboxSpec {
  name: string;
  address: string;
}

/** An attachment's bytes and how to present them. */
export interface AttachmentSpec {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Shown inline by the HTML body (`cid:`), instead of listed as an attachment. */
  contentId?: string;
}

export interface MessageSpec {
  from: MailboxSpec;
  replyTo: string | null;
  to: MailboxSpec[];
  cc: MailboxSpec[];
  subject: string;
  text: string;
  html: string | null;
  attachments: AttachmentSpec[];
  /** Message-ID of the message answered, with angle brackets, and the chain it belongs to (RFC 5322 section 3.6.4). */
  inReplyTo: string | null;
  references: string[];
  /** Without angle brackets; made here when left out. */
  messageId?: string;
  date?: Date;
}

export interface BuiltMessage {
  /** The exact bytes to submit, file in Sent and keep: CRLF line ends. */
  raw: Buffer;
  /** Without angle brackets. */
  messageId: string;
  date: Date;
}

/**
 * Builds a message once, with nodemailer's MailComposer (the bodies from outgoing-body.ts): a fixed
 * Message-ID and Date, so the same bytes are
 * submitted, filed in Sent and stored. Bcc never appears in the bytes (it is envelope only). No file or
 * URL is ever read while building: everything arrives as bytes.
 */
export async function buildMessage(spec: MessageSpec): Promise<BuiltMessage> {
  const messageId = spec.messageId ?? newMessageId(spec.from.address);
  const date = spec.date ?? new Date();
  // Plain text goes format=flowed; HTML with its CSS inlined and a flowed text alternative (outgoing-body.ts).
  const body = prepareOutgoingBody({ text: spec.text, html: spec.html });
  const composer = new (MailComposer())({
    from: headerMailbox(spec.from),
    to: spec.to.map(headerMailbox),
    cc: spec.cc.map(headerMailbox),
    ...(spec.replyTo ? { replyTo: headerAddress(spec.replyTo) } : {}),
    subject: spec.subject,
    messageId: `<${messageId}>`,
    date,
    ...(spec.inReplyTo ? { inReplyTo: spec.inReplyTo } : {}),
    ...(spec.references.length > 0 ? { references: spec.references } : {}),
    // As alternatives, not `text`/`html`: MailComposer would replace the text part's Content-Type (and its
    // format=flowed) with its own; given this way they keep theirs, in this order (plain first, RFC 2046 5.1.4).
    alternatives: [
      { content: body.text, contentType: body.textContentType },
      ...(body.html !== null ? [{ content: body.html, contentType: 'text/html; charset=utf-8' }] : []),
    ],
    attachments: spec.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      ...(a.contentId ? { cid: a.contentId } : { contentDisposition: 'attachment' }),
      ...(/^message\//i.test(a.contentType) && !fitsSevenBit(a.content) ? { contentTransferEncoding: 'base64' } : {}),
    })),
    // RFC 5322 section 2.3: CRLF, whatever the composer's text used.
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  });
  const raw = await new Promise<Buffer>((resolve, reject) => {
    composer.compile().build((error, message) => (error ? reject(error) : resolve(message)));
  });
  return { raw, messageId, date };
}

/**
 * Whether an attached message may go as it is (7bit): ASCII only, no NUL, lines of at most 998 bytes (RFC
 * 5322 section 2.1.1). One that is not (a forward of an 8-bit mail, an .eml with UTF-8 headers) goes as
 * base64: MailComposer would label it 8bit, and the message is built before the server is known, while a
 * server that does not offer 8BITMIME may only be given 7-bit data (RFC 6152 section 3; hosting relays
 * without it exist). RFC 2046 section 5.2.1 allows only 7bit, 8bit and binary for message/rfc822, but
 * readers decode a base64 one (mailparser, so Homing's reader too), and nothing arrives mangled.
 */
function fitsSevenBit(content: Buffer): boolean {
  let line = 0;
  for (const byte of content) {
    if (byte === 0x0a) line = 0;
    else if (byte === 0 || byte > 0x7f || ++line > 998) return false;
  }
  return true;
}

/**
 * The sender's own copy of a message sent with Bcc recipients: the submitted bytes with a Bcc field added
 * at the end of the header block (RFC 5322 section 3.6.3: the recipients never see it; the copy the sender
 * keeps may say to whom the blind copies went, as every mature client's Sent folder does). The field is
 * written by MailComposer, as the other address fields are (encoded names, A-label domains, folded).
 * The body and every other byte are the submitted ones. Without Bcc recipients, `raw` itself.
 */
export async function withBccField(raw: Buffer, bcc: MailboxSpec[]): Promise<Buffer> {
  if (bcc.length === 0) return raw;
  const node = new (MailComposer())({ bcc: bcc.map(headerMailbox), newline: 'windows', disableFileAccess: true, disableUrlAccess: true, xMailer: false, text: '' }).compile();
  node.keepBcc = true;
  const built = await new Promise<Buffer>((resolve, reject) => node.build((error, message) => (error ? reject(error) : resolve(message))));
  const lines = built.subarray(0, built.indexOf('\r\n\r\n') + 2).toString('utf8').split(/(?<=\r\n)/);
  const start = lines.findIndex((line) => /^bcc:/i.test(line));
  if (start < 0) return raw;
  let end = start + 1;
  while (end < lines.length && /^[ \t]/.test(lines[end]!)) end++;
  const field = Buffer.from(lines.slice(start, end).join(''), 'utf8');
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd < 0) return raw;
  return Buffer.concat([raw.subarray(0, headerEnd + 2), field, raw.subarray(headerEnd + 2)]);
}

/** `<random>@<the sender's domain>`: unique, and says nothing about this computer. */
export function newMessageId(fromAddress: string): string {
  const domain = headerAddress(fromAddress).split('@')[1] || 'homing.invalid';
  return `${randomBytes(12).toString('hex')}.${Date.now().toString(36)}@${domain}`;
}

function headerMailbox(mailbox: MailboxSpec): { name: string; address: string } {
  return { name: mailbox.name, address: headerAddress(mailbox.address) };
}

/**
 * An address as it goes into a header: an ASCII local part with a non-ASCII domain is written with the
 * domain's A-label (RFC 5890), readable by every server; a non-ASCII local part stays UTF-8 (RFC 6532),
 * which only a server with SMTPUTF8 takes (checked before submission).
 */
export function headerAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!isAscii(local) || isAscii(domain)) return address;
  const ascii = domainToASCII(domain);
  return ascii ? `${local}@${ascii}` : address;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

import type { Account } from '../../../shared/contract/accounts';
import type { ComposeContent, Identity, Recipient } from '../../../shared/contract/outgoing';
import { HomingError } from '../../../shared/errors';
import { type AttachmentSpec, buildMessage, headerAddress } from '../../mime/build-message';
import { threadHeaders } from '../../mime/response-headers';
import { prepare, type ReadDb } from '../../store/db';
import { defaultIdentity, findIdentity } from '../../store/identities';
import { attachmentBytes } from '../../store/message-detail';
import { readSource } from '../../store/message-sources';
import { originalOf } from '../../store/originals';
import { smtpAddress } from '../../protocols/smtp/smtp-session';
import { OUTGOING_LIMITS } from './limits';

export interface OutgoingMessage {
  raw: Buffer;
  messageId: string;
  identity: Identity;
  from: Recipient;
  /** MAIL FROM: the identity's address (its domain as an A-label). */
  envelopeFrom: string;
  /** RCPT TO: To, Cc and Bcc, each address once. */
  recipients: string[];
}

/**
 * Builds the message a compose describes, once: the identity (the one asked for, else the account's
 * default), threading headers from the original it answers, attachments read from the store, and the MIME
 * from buildMessage with a fixed Message-ID and Date. Refused before anything is queued: no recipient, an
 * identity of another account, an attachment that is not there, a message over the size Homing sends.
 */
export async function composeOutgoing(db: ReadDb, account: Account, content: ComposeContent): Promise<OutgoingMessage> {
  const identity = content.identityId !== undefined ? findIdentity(db, content.identityId) : defaultIdentity(db, account.id);
  if (!identity || identity.accountId !== account.id) {
    throw new HomingError('INVALID_ARGUMENT', content.identityId !== undefined ? `Identity ${content.identityId} is not one of ${account.email}'s.` : `${account.email} has no identity to send from.`);
  }
  const recipients = uniqueAddresses([...content.to, ...content.cc, ...content.bcc]);
  if (recipients.length === 0) throw new HomingError('INVALID_ARGUMENT', 'The message has no recipient.');

  let inReplyTo: string | null = null;
  let references: string[] = [];
  if (content.responseTo) {
    const original = originalOf(db, content.responseTo.messageId);
    if (content.responseTo.kind === 'reply') ({ inReplyTo, references } = threadHeaders(original));
    else if (original.messageId) references = [original.messageId.startsWith('<') ? original.messageId : `<${original.messageId}>`];
  }

  const attachments: AttachmentSpec[] = [];
  let attachedBytes = 0;
  for (const source of content.attachments) {
    let spec: AttachmentSpec;
    if (source.kind === 'data') {
      spec = { filename: source.filename, contentType: source.contentType, content: Buffer.from(source.base64, 'base64'), ...(source.contentId ? { contentId: source.contentId } : {}) };
    } else if (source.kind === 'message-attachment') {
      requireWholeMessage(db, source.messageId);
      const found = await attachmentBytes(db, source.messageId, source.attachmentId);
      spec = { filename: found.filename, contentType: found.contentType, content: found.bytes };
    } else {
      const original = originalOf(db, source.messageId);
      requireWholeMessage(db, source.messageId);
      spec = { filename: emlName(original.subject), contentType: 'message/rfc822', content: readSource(db, source.messageId) };
    }
    attachedBytes += spec.content.length;
    if (attachedBytes > OUTGOING_LIMITS.maxAttachmentBytes) {
      throw new HomingError('MESSAGE_TOO_LARGE', `The attachments come to more than ${Math.round(OUTGOING_LIMITS.maxAttachmentBytes / 1024 / 1024)} MB, more than Homing sends in one message.`, {
        size: attachedBytes,
        limit: OUTGOING_LIMITS.maxAttachmentBytes,
      });
    }
    attachments.push(spec);
  }

  const from = { name: identity.name, address: identity.address };
  const built = await buildMessage({
    from,
    replyTo: identity.replyTo,
    to: content.to,
    cc: content.cc,
    subject: content.subject,
    text: content.text,
    html: content.html,
    attachments,
    inReplyTo,
    references,
  });
  return {
    raw: built.raw,
    messageId: built.messageId,
    identity,
    from,
    envelopeFrom: smtpAddress(headerAddress(identity.address)),
    recipients: recipients.map((address) => smtpAddress(address)),
  };
}

/**
 * A message attached or whose attachments go along must be stored whole: the stored source of one kept as
 * headers only (or a POP3 message's first lines) would go out as a cut .eml, or without its attachments.
 * prepareResponse downloads the rest before a forward is composed.
 */
function requireWholeMessage(db: ReadDb, messageId: number): void {
  const row = prepare<[number], { body_status: string }>(db, 'SELECT body_status FROM messages WHERE id = ? AND deleted_locally = 0').get(messageId);
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${messageId}.`);
  if (row.body_status !== 'full') {
    throw new HomingError('BODY_NOT_DOWNLOADED', `Message ${messageId} is stored without its body (the rest is still on the server), so it cannot be forwarded yet. Nothing was sent; open it to download the rest, then send again.`, {
      messageId,
    });
  }
}

/** Each address once (case-insensitive, as servers compare them in practice), in the order given. */
function uniqueAddresses(list: Recipient[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { address } of list) {
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(address);
  }
  return out;
}

/** `Subject of the original.eml`, without characters file systems refuse. */
function emlName(subject: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what file names must not hold
  const clean = subject.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim().slice(0, 100);
  return `${clean || 'message'}.eml`;
}

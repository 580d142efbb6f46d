import type { MessageAddressObject, MessageEnvelopeObject } from 'imapflow';
import type { ParsedAddress, ParsedMessage } from '../../mime/parse-message';

/** Message-IDs in angle brackets (RFC 5322 section 3.6.4); a bare token when a mailer forgot them. Same rule as mime/parse-message.ts. */
function ids(value: string | undefined | null): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  if (bracketed) return bracketed;
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((id) => `<${id}>`);
}

function addresses(list: MessageAddressObject[] | undefined): ParsedAddress[] {
  return (list ?? []).filter((a) => a.address || a.name).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
}

/** The References field of a header block, unfolded (RFC 5322 section 2.2.3); ENVELOPE does not carry it. */
function referencesOf(header: Buffer): string[] {
  const text = header.toString('latin1');
  const match = /^references[ \t]*:(.*(?:\r?\n[ \t].*)*)/im.exec(text);
  return match ? ids(match[1]!.replace(/\r?\n[ \t]+/g, ' ')) : [];
}

/**
 * The header phase's view of a message, from the server's ENVELOPE (RFC 3501 section 7.4.2: the server
 * has already parsed the header fields; imapflow decodes RFC 2047 words) and the References field of the
 * header block. It spares a MIME parse per message while the list fills; the body phase parses the full
 * source and replaces what is derived from the body.
 */
export function parsedFromEnvelope(envelope: MessageEnvelopeObject | undefined, header: Buffer): ParsedMessage {
  const e = envelope ?? {};
  const date = e.date instanceof Date && !Number.isNaN(e.date.getTime()) ? e.date : null;
  return {
    messageId: ids(e.messageId)[0] ?? null,
    inReplyTo: ids(e.inReplyTo)[0] ?? null,
    references: referencesOf(header),
    subject: e.subject ?? '',
    from: addresses(e.from)[0] ?? null,
    to: addresses(e.to),
    cc: addresses(e.cc),
    bcc: addresses(e.bcc),
    replyTo: addresses(e.replyTo),
    date,
    text: null,
    html: null,
    snippet: '',
    attachments: [],
    parseStatus: 'ok',
  };
}

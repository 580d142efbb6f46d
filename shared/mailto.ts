/**
 * `mailto:` URIs (RFC 6068), from a link in a message or from the system when Homing is its mail handler.
 * Only what a message may be prefilled with is read: recipients, subject, body and the message answered.
 * Everything else is ignored on purpose, above all `attach`/`attachment`: some mail clients took
 * `mailto:x?attach=/home/user/.ssh/id_rsa` from a web page and attached the file.
 */
export interface MailtoFields {
  /** Address pieces as written (`ann@example.org`, sometimes `Ann <ann@example.org>`); read with readAddressList. */
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  /** Line breaks as `\n`. */
  body: string;
  /** The Message-ID being answered, without angle brackets. */
  inReplyTo: string | null;
}

/** A mailto: link longer than this is not a link someone clicked; it is refused whole. */
export const MAX_MAILTO_CHARS = 64 * 1024;

/** Percent-decoding as RFC 6068 §2 says: UTF-8 octets; a malformed escape is kept as written. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/%[0-9a-f]{2}/gi, (escape) => {
      try {
        return decodeURIComponent(escape);
      } catch {
        return escape;
      }
    });
  }
}

const splitRecipients = (value: string) =>
  value
    .split(',')
    .map((piece) => decode(piece).trim())
    .filter((piece) => piece !== '');

/** The fields of a mailto: URI, or null when `uri` is not one (or is far too long to be real). */
export function parseMailto(uri: string): MailtoFields | null {
  const trimmed = uri.trim();
  if (!/^mailto:/i.test(trimmed) || trimmed.length > MAX_MAILTO_CHARS) return null;
  const rest = trimmed.slice('mailto:'.length).replace(/#.*$/s, '');
  const queryAt = rest.indexOf('?');
  const path = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt + 1);
  const fields: MailtoFields = { to: splitRecipients(path), cc: [], bcc: [], subject: '', body: '', inReplyTo: null };
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    switch (name) {
      case 'to':
      case 'cc':
      case 'bcc':
        fields[name].push(...splitRecipients(value));
        break;
      case 'subject':
        // A header cannot hold a line break; the first one ends it.
        fields.subject ||= decode(value).split(/\r?\n/)[0]!;
        break;
      case 'body':
        // §2: line breaks in a body are written %0D%0A.
        fields.body ||= decode(value).replace(/\r\n?/g, '\n');
        break;
      case 'in-reply-to':
        fields.inReplyTo ||= decode(value).trim().replace(/^<|>$/g, '') || null;
        break;
      default:
        // attach, attachment, from, keywords, any other header: not taken from a link.
        break;
    }
  }
  return fields;
}

/**
 * What a reply or a forward takes from the original: subject, threading headers, recipients. Pure
 * functions; the service and the worker read the original and apply them.
 */

export interface AddressLike {
  name: string;
  address: string;
}

/**
 * Reply prefixes in the languages mail clients commonly write them (Re, Aw, Sv, Antw, Ref, Odp, Vs),
 * with the counters some add (`Re[2]:`), so a reply to a reply to a German reply is still one "Re:".
 */
const REPLY_PREFIX = /^\s*(re|aw|sv|antw|ref|odp|vs|r)(\[\d+\]|\(\d+\))?\s*:\s*/i;
const FORWARD_PREFIX = /^\s*(fwd?|wg|tr|rv|vb|doorst)(\[\d+\]|\(\d+\))?\s*:\s*/i;

/** `Re: ` once, however many reply prefixes the original's subject had. */
export function replySubject(subject: string): string {
  let rest = subject.trim();
  while (REPLY_PREFIX.test(rest)) rest = rest.replace(REPLY_PREFIX, '');
  return `Re: ${rest}`;
}

/** `Fwd: ` once, however many forward prefixes the original's subject had. */
export function forwardSubject(subject: string): string {
  let rest = subject.trim();
  while (FORWARD_PREFIX.test(rest)) rest = rest.replace(FORWARD_PREFIX, '');
  return `Fwd: ${rest}`;
}

/** How many Message-IDs a References header keeps: the first (the thread's root) and the newest ones. */
const MAX_REFERENCES = 20;

/**
 * In-Reply-To and References for a reply (RFC 5322 section 3.6.4): the original's References (or its
 * In-Reply-To when it has none) followed by its Message-ID; long chains keep the root and the newest.
 */
export function threadHeaders(original: { messageId: string | null; references: string[]; inReplyTo: string | null }): {
  inReplyTo: string | null;
  references: string[];
} {
  const own = original.messageId ? bracket(original.messageId) : null;
  const before = original.references.length > 0 ? original.references.map(bracket) : original.inReplyTo ? [bracket(original.inReplyTo)] : [];
  let chain = [...new Set([...before, ...(own ? [own] : [])])];
  if (chain.length > MAX_REFERENCES) chain = [chain[0]!, ...chain.slice(chain.length - (MAX_REFERENCES - 1))];
  return { inReplyTo: own, references: chain };
}

export interface OriginalPeople {
  from: AddressLike | null;
  replyTo: AddressLike[];
  to: AddressLike[];
  cc: AddressLike[];
}

/**
 * Who a reply goes to. Reply: the Reply-To, else the sender; to a message we sent ourselves, its
 * recipients. Reply-all adds everyone on To and Cc. Our own addresses are left out (the user's
 * identities), and nobody appears twice, across To and Cc, whatever the case of the address.
 */
export function replyRecipients(original: OriginalPeople, all: boolean, ownAddresses: string[]): { to: AddressLike[]; cc: AddressLike[] } {
  const own = new Set(ownAddresses.map((a) => a.toLowerCase()));
  const fromUs = original.from !== null && own.has(original.from.address.toLowerCase());
  const primary = fromUs ? original.to : original.replyTo.length > 0 ? original.replyTo : original.from ? [original.from] : [];
  const seen = new Set<string>();
  const take = (list: AddressLike[]) =>
    list.filter((entry) => {
      const key = entry.address.toLowerCase();
      if (!key || own.has(key) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const to = take(primary);
  if (!all) return { to: to.length > 0 || !fromUs ? to : take(original.to), cc: [] };
  const cc = take(fromUs ? original.cc : [...original.to, ...original.cc]);
  return { to, cc };
}

/**
 * Which of the user's addresses the original was sent to (To, then Cc, then Bcc as far as we know it):
 * the identity a reply is sent from. Null when none of them is named (a list, a Bcc).
 */
export function addressedIdentity(original: { to: AddressLike[]; cc: AddressLike[]; bcc?: AddressLike[] }, ownAddresses: string[]): string | null {
  const own = new Map(ownAddresses.map((a) => [a.toLowerCase(), a]));
  for (const entry of [...original.to, ...original.cc, ...(original.bcc ?? [])]) {
    const match = own.get(entry.address.toLowerCase());
    if (match) return match;
  }
  return null;
}

/** The usual block above a quoted original, for plain-text callers (the composer makes its own). */
export function quoteText(original: { from: AddressLike | null; date: Date | null; text: string | null }): string {
  const who = original.from ? (original.from.name ? `${original.from.name} <${original.from.address}>` : original.from.address) : 'Someone';
  const when = original.date ? `On ${original.date.toUTCString()}, ` : '';
  const body = (original.text ?? '').replace(/\r\n/g, '\n').replace(/\n+$/, '');
  return `\n\n${when}${who} wrote:\n${body.split('\n').map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`)).join('\n')}\n`;
}

/** The block a forward inlines the original under. */
export function forwardText(original: { from: AddressLike | null; date: Date | null; subject: string; to: AddressLike[]; text: string | null }): string {
  const show = (a: AddressLike) => (a.name ? `${a.name} <${a.address}>` : a.address);
  const lines = [
    '',
    '',
    '-------- Forwarded Message --------',
    `Subject: ${original.subject}`,
    ...(original.date ? [`Date: ${original.date.toUTCString()}`] : []),
    ...(original.from ? [`From: ${show(original.from)}`] : []),
    ...(original.to.length > 0 ? [`To: ${original.to.map(show).join(', ')}`] : []),
    '',
    (original.text ?? '').replace(/\r\n/g, '\n'),
  ];
  return lines.join('\n');
}

function bracket(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

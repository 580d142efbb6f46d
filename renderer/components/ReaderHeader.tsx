import type { Address, MessageDetail } from '../../shared/contract/messages';
import { displayName, fullAddress, fullDate } from '../mail/format';
import { Icon } from './Icon';

function initials(address: Address | null): string {
  const name = displayName(address).replace(/[^\p{L}\p{N} ]/gu, '').trim();
  const words = name.split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? words[0]![0]! + words[words.length - 1]![0]! : (words[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

/** A stable hue per address, so the same sender always gets the same avatar colour. */
function hue(address: Address | null): number {
  let h = 0;
  for (const c of address?.address ?? '') h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

function AddressList({ label, addresses }: { label: string; addresses: Address[] }) {
  if (addresses.length === 0) return null;
  return (
    <div className="reader-addresses">
      <dt>{label}</dt>
      <dd>
        {addresses.map((a, i) => (
          <span key={`${a.address}-${i}`} className="address" title={a.address}>
            {fullAddress(a)}
            {i < addresses.length - 1 ? ', ' : ''}
          </span>
        ))}
      </dd>
    </div>
  );
}

export function ReaderHeader({ message, headingId }: { message: MessageDetail; headingId: string }) {
  return (
    <header className="reader-header">
      <h2 id={headingId} className="reader-subject" tabIndex={-1}>
        {message.subject || '(no subject)'}
        {message.flagged && <Icon name="flag" size={16} className="reader-flag" label="Flagged" />}
      </h2>
      <div className="reader-from">
        <span className="avatar" aria-hidden="true" style={{ ['--avatar-hue' as string]: hue(message.from) }}>
          {initials(message.from)}
        </span>
        <div className="reader-from-text">
          <div className="reader-sender">
            <strong>{displayName(message.from)}</strong>
            {message.from?.address && message.from.name && <span className="muted"> &lt;{message.from.address}&gt;</span>}
          </div>
          <dl className="reader-recipients">
            <AddressList label="To" addresses={message.to} />
            <AddressList label="Cc" addresses={message.cc} />
            {message.replyTo.length > 0 && message.replyTo.some((r) => r.address !== message.from?.address) && (
              <AddressList label="Reply to" addresses={message.replyTo} />
            )}
          </dl>
        </div>
        <time className="reader-date" dateTime={message.date ?? undefined}>
          {fullDate(message.date)}
        </time>
      </div>
    </header>
  );
}

import type { ReactNode } from 'react';
import type { Address, MessageDetail } from '../../shared/contract/messages';
import { claimedAddress, displayText, NAME_DISPLAY_MAX, SUBJECT_DISPLAY_MAX } from '../mail/display-text';
import { displayName, fullAddress, fullDate } from '../mail/format';
import { Icon } from './Icon';
import { TagChips } from './TagChips';

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
          <span key={`${a.address}-${i}`} className="address" title={displayText(a.address)}>
            <bdi>{fullAddress(a)}</bdi>
            {i < addresses.length - 1 ? ', ' : ''}
          </span>
        ))}
      </dd>
    </div>
  );
}

/** `actions`: the answer buttons (Reply, Reply all, Forward), at the header's end. */
export function ReaderHeader({ message, headingId, actions }: { message: MessageDetail; headingId: string; actions?: ReactNode }) {
  const from = message.from;
  // A name that shows another address: the real address comes first, the name after it in quotes, and a
  // sentence says what the name claims.
  const claimed = claimedAddress(from);
  const address = from ? displayText(from.address, NAME_DISPLAY_MAX) : '';
  const name = from ? displayText(from.name, NAME_DISPLAY_MAX) : '';
  return (
    <header className="reader-header">
      <h2 id={headingId} className="reader-subject" tabIndex={-1}>
        <bdi>{displayText(message.subject, SUBJECT_DISPLAY_MAX) || '(no subject)'}</bdi>
        {message.flagged && <Icon name="flag" size={16} className="reader-flag" label="Flagged" />}
      </h2>
      <TagChips flags={message.flags} className="reader-tags" />
      <div className="reader-from">
        <span className="avatar" aria-hidden="true" style={{ ['--avatar-hue' as string]: hue(message.from) }}>
          {initials(message.from)}
        </span>
        <div className="reader-from-text">
          <div className="reader-sender">
            {claimed ? (
              <>
                <strong>
                  <bdi>{address}</bdi>
                </strong>
                <span className="muted">
                  {' '}
                  “<bdi>{name}</bdi>”
                </span>
              </>
            ) : (
              <>
                <strong>
                  <bdi>{displayName(from)}</bdi>
                </strong>
                {address && name && (
                  <span className="muted">
                    {' '}
                    &lt;<bdi>{address}</bdi>&gt;
                  </span>
                )}
              </>
            )}
          </div>
          {claimed && (
            <p className="sender-warning" data-testid="sender-warning" role="note">
              <Icon name="alert" size={14} />
              <span>
                The sender’s name shows the address <bdi>{displayText(claimed, NAME_DISPLAY_MAX)}</bdi>, but this message is from{' '}
                <bdi>{address}</bdi>.
              </span>
            </p>
          )}
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
      {actions}
    </header>
  );
}

import type { Account } from '../../shared/contract/accounts';
import type { MessageSummary } from '../../shared/contract/messages';
import { MAX_SINGLE_NOTIFICATIONS, NEW_MAIL_MAX_AGE_MS, NOTIFICATION_TEXT_MAX } from './limits';

/** One desktop notification; clicking it opens `messageId`. */
export interface NewMailNotification {
  accountId: string;
  title: string;
  body: string;
  messageId: number;
  /** How many new messages it stands for (1, or more for a summary). */
  count: number;
}

export interface NewMailInput {
  /** Summaries of the messages a batch of change events named. */
  messages: readonly MessageSummary[];
  /** The highest message id already accounted for; null before the first batch. */
  watermark: number | null;
  accounts: readonly Pick<Account, 'id' | 'name' | 'email' | 'settings'>[];
  /** Folders that are an account's inbox (special use `inbox`). */
  inboxFolderIds: ReadonlySet<number>;
  /** Accounts in their first sync: everything they download is old mail to the user. */
  quietAccounts: ReadonlySet<string>;
  now: number;
  platform: NodeJS.Platform;
}

export interface NewMailDecision {
  notifications: NewMailNotification[];
  /** The watermark after this batch: every message seen so far, notified or not, is no longer new. */
  watermark: number;
}

/** INBOX is case-insensitive (RFC 3501 §5.1), whatever the server calls it. */
const isInbox = (message: MessageSummary, inboxFolderIds: ReadonlySet<number>) =>
  inboxFolderIds.has(message.folderId) || message.folder.toUpperCase() === 'INBOX';

/**
 * Which new mail to announce. A message is new mail when it has an id above the watermark (ids grow as
 * messages are stored; flag changes and moves of old mail keep theirs), is unread, sits in an inbox, is
 * not older than a few days, and its account has notifications on and is past its first sync. Up to
 * MAX_SINGLE_NOTIFICATIONS per account get a notification each, newest first; more become one summary
 * that opens the newest. Before the first batch nothing is known, so the first batch only sets the mark.
 */
export function decideNewMail(input: NewMailInput): NewMailDecision {
  const highest = input.messages.reduce((max, m) => Math.max(max, m.id), input.watermark ?? 0);
  if (input.watermark === null) return { notifications: [], watermark: highest };
  const watermark = input.watermark;
  const accounts = new Map(input.accounts.map((account) => [account.id, account]));
  const fresh = input.messages.filter((m) => {
    const account = accounts.get(m.accountId);
    if (!account || !account.settings.notify || input.quietAccounts.has(m.accountId)) return false;
    if (m.id <= watermark || m.seen || !isInbox(m, input.inboxFolderIds)) return false;
    // A message without a date cannot be told apart from old mail by its date; its new id decides.
    return m.date === null || input.now - Date.parse(m.date) <= NEW_MAIL_MAX_AGE_MS;
  });

  const byAccount = new Map<string, MessageSummary[]>();
  for (const message of fresh) byAccount.set(message.accountId, [...(byAccount.get(message.accountId) ?? []), message]);

  const notifications: NewMailNotification[] = [];
  for (const [accountId, messages] of byAccount) {
    const account = accounts.get(accountId);
    if (!account) continue;
    const newestFirst = [...messages].sort((a, b) => dateOf(b) - dateOf(a) || b.id - a.id);
    if (newestFirst.length <= MAX_SINGLE_NOTIFICATIONS) {
      for (const message of newestFirst) notifications.push(single(message, input.platform));
    } else {
      const newest = newestFirst[0] as MessageSummary;
      notifications.push({
        accountId,
        title: `${newestFirst.length} new messages in ${clean(account.name || account.email)}`,
        body: bodyText(`${sender(newest)}: ${subject(newest)}`, input.platform),
        messageId: newest.id,
        count: newestFirst.length,
      });
    }
  }
  return { notifications, watermark: highest };
}

const dateOf = (m: MessageSummary) => (m.date === null ? 0 : Date.parse(m.date) || 0);

function single(message: MessageSummary, platform: NodeJS.Platform): NewMailNotification {
  return { accountId: message.accountId, title: sender(message), body: bodyText(subject(message), platform), messageId: message.id, count: 1 };
}

const sender = (m: MessageSummary) => clean(m.from?.name || m.from?.address || '') || 'Unknown sender';
const subject = (m: MessageSummary) => clean(m.subject) || '(no subject)';

/**
 * Header text is the sender's to choose: no control or bidi-override characters (which could make a
 * notification lie about what it shows), one line, and short.
 */
export function clean(text: string): string {
  const flat = text
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > NOTIFICATION_TEXT_MAX ? `${flat.slice(0, NOTIFICATION_TEXT_MAX - 1)}…` : flat;
}

/**
 * Linux notification servers read the body as markup (freedesktop notification spec, "Markup"): a subject
 * like `<b>` or `Tom & Jerry` would be styled or dropped, so it is escaped there. Titles are plain text.
 */
export function bodyText(text: string, platform: NodeJS.Platform): string {
  return platform === 'linux' ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}

import { describe, expect, it } from 'vitest';
import { MAX_SINGLE_NOTIFICATIONS, NEW_MAIL_MAX_AGE_MS } from '../../../../electron/shell/limits';
import { bodyText, clean, decideNewMail, type NewMailInput } from '../../../../electron/shell/new-mail-policy';
import { account, message, NOW } from './mail-fixtures';

const base: NewMailInput = {
  messages: [],
  watermark: 100,
  accounts: [account('a'), account('b')],
  inboxFolderIds: new Set([1, 2]),
  quietAccounts: new Set(),
  now: NOW,
  platform: 'darwin',
};

describe('which new mail is announced', () => {
  it('announces an unread message that arrived in an inbox, opening that message on click', () => {
    const decision = decideNewMail({ ...base, messages: [message(101)] });
    expect(decision.notifications).toEqual([{ accountId: 'a', title: 'Sender 101', body: 'Subject 101', messageId: 101, count: 1 }]);
    expect(decision.watermark).toBe(101);
  });

  it.each<[string, Partial<NewMailInput>, Parameters<typeof message>[1]]>([
    ['already read (read on another client)', {}, { seen: true }],
    ['filed outside the inbox', {}, { folderId: 9, folder: 'Archive' }],
    ['of an account with notifications off', { accounts: [account('a', false)] }, {}],
    ['of an account in its first sync', { quietAccounts: new Set(['a']) }, {}],
    ['of an account that no longer exists', { accounts: [account('b')] }, {}],
    ['dated older than a few days (old mail arriving late)', {}, { date: new Date(NOW - NEW_MAIL_MAX_AGE_MS - 1).toISOString() }],
  ])('stays quiet for a message %s', (_name, input, overrides) => {
    const decision = decideNewMail({ ...base, ...input, messages: [message(101, overrides)] });
    expect(decision.notifications).toEqual([]);
    expect(decision.watermark).toBe(101);
  });

  it('stays quiet for messages at or below the watermark (a flag change or a move of old mail)', () => {
    expect(decideNewMail({ ...base, messages: [message(100), message(42)] }).notifications).toEqual([]);
  });

  it('only sets the watermark on the first batch, when nothing is known yet', () => {
    const decision = decideNewMail({ ...base, watermark: null, messages: [message(7), message(9)] });
    expect(decision).toEqual({ notifications: [], watermark: 9 });
  });

  it('recognises INBOX by name, whatever its case, when the folder list does not say', () => {
    const decision = decideNewMail({ ...base, inboxFolderIds: new Set(), messages: [message(101, { folderId: 5, folder: 'Inbox' })] });
    expect(decision.notifications).toHaveLength(1);
  });

  it('announces a message without a date by its new id', () => {
    expect(decideNewMail({ ...base, messages: [message(101, { date: null })] }).notifications).toHaveLength(1);
  });

  it('gives each of a few messages its own notification, newest first', () => {
    const messages = [message(101), message(103), message(102)];
    const ids = decideNewMail({ ...base, messages }).notifications.map((n) => n.messageId);
    expect(ids).toEqual([101, 102, 103]);
  });

  it('sums up many new messages of one account in one notification that opens the newest', () => {
    const messages = Array.from({ length: MAX_SINGLE_NOTIFICATIONS + 5 }, (_, i) => message(101 + i));
    const [summary, ...rest] = decideNewMail({ ...base, messages }).notifications;
    expect(rest).toEqual([]);
    expect(summary).toMatchObject({ title: '8 new messages in Account a', messageId: 101, count: 8, body: 'Sender 101: Subject 101' });
  });

  it('keeps accounts apart', () => {
    const messages = [message(101), message(102, { accountId: 'b', folderId: 2 })];
    expect(decideNewMail({ ...base, messages }).notifications.map((n) => n.accountId).sort()).toEqual(['a', 'b']);
  });

  it('names an unknown sender and an empty subject', () => {
    const [n] = decideNewMail({ ...base, messages: [message(101, { from: null, subject: '  ' })] }).notifications;
    expect(n).toMatchObject({ title: 'Unknown sender', body: '(no subject)' });
  });
});

describe('notification text', () => {
  it('removes control and bidi-override characters and folds lines', () => {
    expect(clean('Pay\u202Etxt.exe\r\nnow\u0000')).toBe('Paytxt.exe now');
  });

  it('cuts long text', () => {
    const text = clean('x'.repeat(1000));
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text.endsWith('…')).toBe(true);
  });

  it('escapes markup in the body on Linux only, where notification servers read it as markup', () => {
    expect(bodyText('<b>Tom & Jerry</b>', 'linux')).toBe('&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;');
    expect(bodyText('<b>Tom & Jerry</b>', 'win32')).toBe('<b>Tom & Jerry</b>');
    const [n] = decideNewMail({ ...base, platform: 'linux', messages: [message(101, { subject: 'a<b' })] }).notifications;
    expect(n?.body).toBe('a&lt;b');
  });
});

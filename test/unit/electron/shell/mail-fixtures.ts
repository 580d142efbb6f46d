import { capabilitiesOf } from '../../../../shared/account-capabilities';
import type { Account } from '../../../../shared/contract/accounts';
import { defaultAccountSettings } from '../../../../shared/contract/accounts';
import type { Folder, MessageSummary } from '../../../../shared/contract/messages';

export const NOW = Date.parse('2025-06-02T12:00:00Z');

export function account(id: string, notify = true): Account {
  return {
    id,
    name: `Account ${id}`,
    email: `${id}@example.org`,
    protocol: 'imap',
    host: 'mail.example.org',
    port: 993,
    security: 'tls',
    username: id,
    trustedFingerprint: null,
    settings: { ...defaultAccountSettings, notify },
    smtp: null,
    capabilities: capabilitiesOf('imap'),
    createdAt: '2025-01-01T00:00:00Z',
  };
}

export function folder(id: number, accountId: string, path: string, unread = 0, specialUse: Folder['specialUse'] = null): Folder {
  return {
    id,
    accountId,
    path,
    name: path.split('/').pop() ?? path,
    parentPath: null,
    delimiter: '/',
    specialUse,
    subscribed: true,
    total: unread,
    unread,
    offline: unread,
    syncError: null,
  };
}

export function message(id: number, overrides: Partial<MessageSummary> = {}): MessageSummary {
  return {
    id,
    accountId: 'a',
    folderId: 1,
    folder: 'INBOX',
    uid: id,
    uidl: null,
    messageId: `<${id}@example.org>`,
    subject: `Subject ${id}`,
    from: { name: `Sender ${id}`, address: `s${id}@example.org` },
    to: [],
    date: new Date(NOW - 60_000 * id).toISOString(),
    flags: [],
    seen: false,
    flagged: false,
    answered: false,
    size: 1000,
    attachments: [],
    threadId: null,
    threadCount: 1,
    snippet: '',
    parseStatus: 'ok',
    bodyStatus: 'full',
    pendingState: null,
    ...overrides,
  };
}

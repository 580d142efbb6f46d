import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAccountSettings } from '../../../../shared/contract/accounts';
import { insertAccount } from '../../../../electron/store/accounts';
import { catchUpWithSentFolders, contactMatchQuery, forgetContact, searchContacts } from '../../../../electron/store/contacts';
import type { WriteDb } from '../../../../electron/store/db';
import { upsertFolder } from '../../../../electron/store/folders';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { eml, ingest, tempStore } from '../../../helpers/store';

const DAY = 86_400_000;

/**
 * Suggestions come from what the user wrote (their Sent folder), ranked by frequency and recency, found by
 * word prefixes through FTS5, on a real SQLite file.
 */
describe('recipient suggestions (contacts)', () => {
  let db: WriteDb;
  let accountId: string;
  let sent: number;
  let inbox: number;
  let uid = 1;
  const now = Date.parse('2025-03-10T12:00:00Z');

  const deliver = async (folderId: number, headers: Record<string, string>, daysAgo: number) =>
    ingest(db, eml({ From: 'Me <me@example.org>', Subject: 'x', Date: new Date(now - daysAgo * DAY).toUTCString(), ...headers }), {
      accountId,
      folderId,
      key: { kind: 'imap', uidvalidity: 1, uid: uid++ },
    });
  const suggest = (typed: string) => searchContacts(db, typed, 8, now).map((c) => c.address);

  beforeAll(async () => {
    db = tempStore().db;
    accountId = writeTransaction(db, (changes) =>
      insertAccount(db, changes, {
        name: 'Me', email: 'me@example.org', protocol: 'imap', host: '127.0.0.1', port: 993, security: 'tls', username: 'me',
        trustedFingerprint: null, settings: defaultAccountSettings,
      }),
    ).id;
    const folder = (path: string, specialUse: 'sent' | 'inbox') =>
      writeTransaction(db, (changes) => upsertFolder(db, changes, accountId, { path, name: path, parentPath: null, delimiter: '/', specialUse, subscribed: true })).id;
    sent = folder('Sent', 'sent');
    inbox = folder('INBOX', 'inbox');
    // Written to often, long ago.
    for (let i = 0; i < 6; i++) await deliver(sent, { To: 'Anna Old <anna.old@example.org>' }, 200 + i);
    // Written to twice, recently; once with Cc.
    await deliver(sent, { To: '"Müller, Annette" <annette@bücher.example>' }, 1);
    await deliver(sent, { To: 'bob@example.org', Cc: 'Annette Müller <annette@bücher.example>' }, 2);
    // Only ever wrote to us: a newsletter and a stranger in the inbox are never suggested.
    await deliver(inbox, { From: 'News <annual-news@shop.example>', To: 'me@example.org' }, 1);
    writeTransaction(db, () => catchUpWithSentFolders(db));
  });

  it('suggests only addresses the user wrote to, not senders of incoming mail', () => {
    expect(suggest('ann')).not.toContain('annual-news@shop.example');
    expect(suggest('news')).toEqual([]);
  });

  it('ranks by frequency and recency: two messages this week beat six from half a year ago', () => {
    expect(suggest('ann')).toEqual(['annette@bücher.example', 'anna.old@example.org']);
  });

  it('finds by any word prefix of the name or the address, diacritics folded, several words required', () => {
    expect(suggest('mull')).toEqual(['annette@bücher.example']);
    expect(suggest('müll')).toEqual(['annette@bücher.example']);
    expect(suggest('bucher')).toEqual(['annette@bücher.example']);
    expect(suggest('anna.ol')).toEqual(['anna.old@example.org']);
    expect(suggest('ann old')).toEqual(['anna.old@example.org']);
    expect(suggest('b')).toEqual(['annette@bücher.example', 'bob@example.org']);
  });

  it('keeps the newest display name and counts each message once per address', () => {
    const [annette] = searchContacts(db, 'annette', 1, now);
    expect(annette).toMatchObject({ name: '"Müller, Annette"'.replace(/"/g, ''), timesUsed: 2 });
  });

  it('takes typed FTS syntax as plain words', () => {
    expect(contactMatchQuery('"ann" OR b*')).toBe('"ann"* "or"* "b"*');
    expect(contactMatchQuery('...@')).toBeNull();
    expect(suggest('NEAR(')).toEqual([]);
  });

  it('counts a new Sent message once, however often the folders are read again', async () => {
    await deliver(sent, { To: 'carla@example.org' }, 0);
    expect(writeTransaction(db, () => catchUpWithSentFolders(db))).toBe(1);
    expect(writeTransaction(db, () => catchUpWithSentFolders(db))).toBe(0);
    expect(searchContacts(db, 'carla', 1, now)[0]).toMatchObject({ address: 'carla@example.org', timesUsed: 1 });
  });

  it('"remove this suggestion" hides it until the user writes to that address again', async () => {
    writeTransaction(db, () => forgetContact(db, 'BOB@example.org', now));
    expect(suggest('bob')).toEqual([]);
    await deliver(sent, { To: 'bob@example.org' }, -1);
    writeTransaction(db, () => catchUpWithSentFolders(db));
    expect(suggest('bob')).toEqual(['bob@example.org']);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { keywordsForTag, tagKeywords, tagName } from '../../../../shared/tags';
import type { ReadDb } from '../../../../electron/store/db';
import { openReadDb } from '../../../../electron/store/open';
import { searchMessages } from '../../../../electron/store/search';
import { eml, ingest, localFolder, tempStore } from '../../../helpers/store';

describe('tags: IMAP keywords by name', () => {
  it('shows a person’s tags and leaves mail programs’ bookkeeping out', () => {
    expect(tagKeywords(['\\Seen', '$label2', 'receipts', '$Forwarded', '$MDNSent', 'NonJunk', 'Receipts'])).toEqual(['$label2', 'receipts']);
    expect(tagName('$Label4')).toBe('To Do');
    expect(tagName('receipts')).toBe('receipts');
  });

  it('reads tag:NAME as the keyword and the standard tag of that name', () => {
    expect(keywordsForTag('work')).toEqual(['work', '$label2']);
    expect(keywordsForTag('todo')).toEqual(['todo', '$label4']);
    // As the name would be stored: spaces written as `_`.
    expect(keywordsForTag('To Do')).toEqual(['To Do', 'To_Do', '$label4']);
    expect(keywordsForTag('$label1')).toEqual(['$label1']);
    expect(keywordsForTag('receipts')).toEqual(['receipts']);
  });
});

describe('searching by tag (tag:)', () => {
  let read: ReadDb;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const store = tempStore();
    const folder = localFolder(store.db, 'Tagged').id;
    const add = async (name: string, subject: string, flags: string[]) => {
      const bytes = eml({ From: 'ann@example.org', Subject: subject, Date: 'Mon, 1 Apr 2024 10:00:00 +0000', 'Message-ID': `<${name}@tags>` }, `${subject}\r\n`);
      ids[name] = (await ingest(store.db, bytes, { accountId: 'local', folderId: folder, key: { kind: 'local' }, flags })).messageId;
    };
    await add('standard', 'Quarterly invoice', ['$label2', '\\Seen']);
    await add('plain', 'Invoice for the garden', ['WORK']);
    await add('receipt', 'Your receipt', ['receipts']);
    await add('untagged', 'Another invoice', []);
    read = openReadDb(store.path);
  });

  const found = (query: string) =>
    searchMessages(read, query, { limit: 100 })
      .hits.map((h) => Object.entries(ids).find(([, id]) => id === h.id)![0])
      .sort();

  it('finds a tag by its name, whatever its case, alone, beside words, negated and in alternatives', () => {
    expect(found('tag:work')).toEqual(['plain', 'standard']);
    expect(found('tag:Work invoice')).toEqual(['plain', 'standard']);
    expect(found('invoice -tag:work')).toEqual(['untagged']);
    expect(found('tag:work is:unread')).toEqual(['plain']);
    expect(found('tag:receipts OR tag:important')).toEqual(['receipt']);
    expect(found('tag:work OR subject:receipt')).toEqual(['plain', 'receipt', 'standard']);
    expect(found('tag:later')).toEqual([]);
  });

  it('asks for a name when tag: has an empty one', () => {
    expect(() => searchMessages(read, 'tag:""', { limit: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_QUERY', message: 'tag: needs a tag name, like tag:work.' }));
  });

  it('reads the tagged messages from their own index, not every message', () => {
    const plan = read.sqlite
      .prepare<[string], { detail: string }>(`EXPLAIN QUERY PLAN SELECT id FROM messages WHERE deleted_locally = 0 AND keywords != '[]' AND EXISTS (SELECT 1 FROM json_each(keywords) k WHERE k.value COLLATE NOCASE IN (SELECT value FROM json_each(?)))`)
      .all('["work"]');
    expect(plan.map((r) => r.detail).join(' | ')).toMatch(/messages_tagged_keys/);
  });
});

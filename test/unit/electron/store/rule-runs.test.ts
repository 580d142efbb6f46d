import { describe, expect, it } from 'vitest';
import { defaultAccountSettings } from '../../../../shared/contract/accounts';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { listRules, recordRuleRun, rulesRunOn, saveRule } from '../../../../electron/store/rules';
import { deleteAccount, insertAccount } from '../../../../electron/store/accounts';
import { deleteFolder, upsertFolder } from '../../../../electron/store/folders';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { processArrivals } from '../../../../electron/sync/rules/process-messages';
import { rulesFor } from '../../../../electron/sync/rules/compiled-rules';
import { RULE_ROWS_AT_ONCE } from '../../../../electron/sync/rules/rule-actions';
import { runRulesNow } from '../../../../electron/sync/rules/run-now';
import { commitMessage } from '../../../../electron/store/ingest';
import { arrivedMessage } from '../../../../electron/sync/rules/message-facts';
import { eml, ingest, localFolder, tempStore } from '../../../helpers/store';

describe('rule runs of a batch of arrivals', () => {
  it('rulesRunOn answers every rule at once, and a rule never acts twice on a message', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const ids: number[] = [];
    const sources: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      const bytes = eml({ From: 'a@example.org', Subject: `invoice ${i}`, 'Message-ID': `<r${i}@x>` }, `amount due ${i}\r\n`);
      const stored = await ingest(db, bytes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
      ids.push(stored.messageId);
      sources.push(bytes);
    }
    const [first, second] = writeTransaction(db, (changes) => [
      saveRule(db, changes, { name: 'invoices', query: 'subject:invoice', actions: [{ kind: 'tag', tag: 'bills' }], accountId: null, enabled: true }, 1),
      saveRule(db, changes, { name: 'due', query: 'due', actions: [{ kind: 'flag' }], accountId: null, enabled: true }, 1),
    ]);
    writeTransaction(db, () => {
      recordRuleRun(db, first!.id, ids[0]!, 1);
      recordRuleRun(db, second!.id, ids[1]!, 1);
      recordRuleRun(db, second!.id, ids[2]!, 1);
    });
    expect(rulesRunOn(db, ids)).toEqual(new Map([[first!.id, new Set([ids[0]])], [second!.id, new Set([ids[1], ids[2]])]]));
    expect(rulesRunOn(db, [ids[0]!]).get(second!.id)).toBeUndefined();

    const arrivals = async () =>
      Promise.all(ids.map(async (id, i) => arrivedMessage(db, id, await parseMessage({ kind: 'buffer', bytes: sources[i]! }), null)!));
    const messages = await arrivals();
    const processed = writeTransaction(db, (changes) => processArrivals(db, changes, messages, rulesFor(db, 'local'), 2));
    // Each rule acts only on the messages it had not run on yet.
    expect(processed.result.rules.map((r) => r.acted)).toEqual([2, 1]);
    const again = writeTransaction(db, (changes) => processArrivals(db, changes, messages, rulesFor(db, 'local'), 3));
    expect(again.result.rules.map((r) => r.acted)).toEqual([0, 0]);
    expect([...rulesRunOn(db, ids).values()].map((s) => s.size)).toEqual([3, 3]);
  });

  it('rules run under one savepoint; one that cannot act is undone alone and marked broken, the others act once', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const kept = localFolder(db, 'Kept');
    const gone = localFolder(db, 'Gone');
    const ids: number[] = [];
    const sources: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      const bytes = eml({ From: 'a@example.org', Subject: `report ${i}`, 'Message-ID': `<s${i}@x>` }, `numbers ${i}\r\n`);
      ids.push((await ingest(db, bytes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' } })).messageId);
      sources.push(bytes);
    }
    const [first, failing, last] = writeTransaction(db, (changes) => [
      saveRule(db, changes, { name: 'tag', query: 'subject:report', actions: [{ kind: 'tag', tag: 'reports' }], accountId: null, enabled: true }, 1),
      // Its tag comes first and must be rolled back with it: the move's folder vanishes below.
      saveRule(db, changes, { name: 'to gone', query: 'numbers', actions: [{ kind: 'tag', tag: 'lost' }, { kind: 'move', folderId: gone.id }], accountId: null, enabled: true }, 1),
      saveRule(db, changes, { name: 'keep', query: 'subject:report', actions: [{ kind: 'flag' }, { kind: 'move', folderId: kept.id }], accountId: null, enabled: true }, 1),
    ]);
    // Gone behind the store's back (deleteFolder would mark the rule broken at once: see below), so the
    // rule still runs and fails while acting.
    db.sqlite.prepare('DELETE FROM folders WHERE id = ?').run(gone.id);
    const messages = await Promise.all(ids.map(async (id, i) => arrivedMessage(db, id, await parseMessage({ kind: 'buffer', bytes: sources[i]! }), null)!));
    const processed = writeTransaction(db, (changes) => processArrivals(db, changes, messages, rulesFor(db, 'local'), 2));

    expect(processed.result.rules.map((r) => [r.ruleId, r.matched, r.acted, r.broken?.code ?? null])).toEqual([
      [first!.id, 3, 3, null],
      [failing!.id, 3, 0, 'NOT_FOUND'],
      [last!.id, 3, 3, null],
    ]);
    expect(listRules(db).find((r) => r.id === failing!.id)!.broken).toMatchObject({ code: 'NOT_FOUND' });
    const rows = db.sqlite.prepare('SELECT folder_id AS folderId, flagged, keywords FROM messages WHERE id IN (?, ?, ?) ORDER BY id').all(...ids);
    expect(rows).toEqual(ids.map(() => ({ folderId: kept.id, flagged: 1, keywords: '["reports"]' })));
    // Each message once per rule that acted; none for the broken one.
    expect(rulesRunOn(db, ids)).toEqual(new Map([[first!.id, new Set(ids)], [last!.id, new Set(ids)]]));
    expect(db.sqlite.prepare('SELECT count(*) FROM rule_runs WHERE message_id IN (?, ?, ?)').pluck().get(...ids)).toBe(6);
  });
  it('a rule run on a whole folder acts a piece at a time: no operation, and no load of rows, spans more than RULE_ROWS_AT_ONCE messages', async () => {
    // Memory must not grow with the folder: one action used to load every matched row at once.
    const { db } = tempStore();
    const account = writeTransaction(db, (changes) =>
      insertAccount(db, changes, {
        name: 'imap',
        email: 'imap@example.org',
        protocol: 'imap',
        host: 'mail.example.org',
        port: 993,
        security: 'tls',
        username: 'imap',
        trustedFingerprint: null,
        settings: defaultAccountSettings,
      }),
    );
    const inbox = writeTransaction(db, (changes) => {
      const folder = upsertFolder(db, changes, account.id, { path: 'INBOX', name: 'INBOX', parentPath: null, delimiter: '/', specialUse: 'inbox', subscribed: true });
      db.sqlite.prepare('UPDATE folders SET uidvalidity = 7 WHERE id = ?').run(folder.id);
      return folder;
    });
    const count = 2 * RULE_ROWS_AT_ONCE + 345;
    const bytes = eml({ From: 'a@example.org', Subject: 'notice' });
    const parsed = await parseMessage({ kind: 'buffer', bytes });
    writeTransaction(db, (changes) => {
      for (let uid = 1; uid <= count; uid++) {
        commitMessage(db, changes, { accountId: account.id, folderId: inbox.id, key: { kind: 'imap', uidvalidity: 7, uid }, source: { kind: 'buffer', bytes }, parsed });
      }
    });
    const rule = writeTransaction(db, (changes) =>
      saveRule(db, changes, { name: 'notices', query: 'subject:notice', actions: [{ kind: 'read' }, { kind: 'tag', tag: 'seen-by-rule' }], accountId: account.id, enabled: true }, 1),
    );
    const { result } = runRulesNow(db, { ruleIds: [rule!.id], folderId: inbox.id });
    expect(result.rules).toEqual([{ ruleId: rule!.id, matched: count, acted: count, broken: null }]);
    const perOperation = db.sqlite.prepare('SELECT count(*) AS n FROM pending_op_messages GROUP BY op_id ORDER BY op_id').pluck().all() as number[];
    expect(Math.max(...perOperation)).toBeLessThanOrEqual(RULE_ROWS_AT_ONCE);
    expect(perOperation.reduce((a, b) => a + b, 0)).toBe(2 * count);
    expect(db.sqlite.prepare(`SELECT count(*) FROM messages WHERE seen = 1 AND keywords = '["seen-by-rule"]'`).pluck().get()).toBe(count);
    expect(db.sqlite.prepare('SELECT count(*) FROM rule_runs WHERE rule_id = ?').pluck().get(rule!.id)).toBe(count);
  });

  it('a folder rules move or copy mail to is deleted, or its account removed: those rules are broken at once, naming it', () => {
    const { db } = tempStore();
    localFolder(db, 'INBOX');
    const archive = localFolder(db, 'Archive/2024');
    const other = localFolder(db, 'Other');
    const [moves, copies, elsewhere] = writeTransaction(db, (changes) => [
      saveRule(db, changes, { name: 'moves', query: 'subject:a', actions: [{ kind: 'tag', tag: 't' }, { kind: 'move', folderId: archive.id }], accountId: null, enabled: true }, 1),
      saveRule(db, changes, { name: 'copies', query: 'subject:b', actions: [{ kind: 'copy', folderId: archive.id }, { kind: 'copy', folderId: other.id }], accountId: null, enabled: true }, 1),
      saveRule(db, changes, { name: 'elsewhere', query: 'subject:c', actions: [{ kind: 'move', folderId: other.id }], accountId: null, enabled: true }, 1),
    ]);
    writeTransaction(db, (changes) => deleteFolder(db, changes, archive.id));
    const broken = (id: number) => listRules(db).find((r) => r.id === id)!.broken;
    expect(broken(moves!.id)).toMatchObject({ code: 'NOT_FOUND', message: 'The folder Archive/2024 this rule moves mail to was deleted. Choose another folder and save the rule again.' });
    expect(broken(copies!.id)).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('The folder Archive/2024 this rule copies mail to was deleted.') });
    expect(broken(elsewhere!.id)).toBeNull();
    // The first reason stays: deleting Other later does not overwrite why "copies" broke.
    writeTransaction(db, (changes) => deleteFolder(db, changes, other.id));
    expect(broken(copies!.id)!.message).toContain('Archive/2024');
    expect(broken(elsewhere!.id)!.message).toContain('The folder Other this rule moves mail to was deleted.');
  });

  it('an account removed takes down the rules of every account that file mail into its folders', () => {
    const { db } = tempStore();
    const account = writeTransaction(db, (changes) =>
      insertAccount(db, changes, {
        name: 'Gone',
        email: 'gone@example.org',
        protocol: 'imap',
        host: 'mail.example.org',
        port: 993,
        security: 'tls',
        username: 'gone',
        trustedFingerprint: null,
        settings: defaultAccountSettings,
      }),
    );
    const folder = writeTransaction(db, (changes) => upsertFolder(db, changes, account.id, { path: 'Lists', name: 'Lists', parentPath: null, delimiter: '/', specialUse: null, subscribed: true }));
    const rule = writeTransaction(db, (changes) =>
      saveRule(db, changes, { name: 'lists', query: 'list:x', actions: [{ kind: 'move', folderId: folder.id }], accountId: null, enabled: true }, 1),
    );
    writeTransaction(db, (changes) => deleteAccount(db, changes, account.id));
    expect(listRules(db).find((r) => r.id === rule.id)!.broken).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('The folder Lists this rule moves mail to was removed with its account.') });
  });
});

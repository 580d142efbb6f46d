import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { deleteFolder, findFolderByPath, localFolderInput, upsertFolder } from '../../electron/store/folders';
import { readSource } from '../../electron/store/message-sources';
import { listRules } from '../../electron/store/rules';
import { writeTransaction } from '../../electron/store/write-transaction';
import { createRuleWrites } from '../../electron/sync/writes/rule-writes';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { deliverMany, maildirFiles, pop3Fixture, type Pop3Fixture } from '../helpers/pop3-fixture';
import { eml } from '../helpers/store';

/** Mail rules and junk on a real Dovecot over POP3: local folders, the server's copy, broken rules, loops. */

let server: DovecotServer;
let fx: Pop3Fixture;
let rules: ReturnType<typeof createRuleWrites>;

const mail = (n: number, headers: Record<string, string>, body?: string) =>
  eml({ From: 'Friend <friend@example.org>', To: 'bob@example.org', Subject: `message ${n}`, 'Message-ID': `<p${n}@rules.test>`, Date: 'Mon, 1 Jan 2024 10:00:00 +0000', ...headers }, body).toString();

const folderOf = (subject: string) =>
  fx.db.sqlite.prepare('SELECT f.path FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.subject = ?').pluck().get(subject) as string | undefined;
const onServer = () => maildirFiles(server.maildir('bob')).map((f) => /^Subject: (.*)$/m.exec(f.raw.toString())?.[1]?.trim() ?? '?').sort();
const folder = (path: string) => writeTransaction(fx.db, (changes) => upsertFolder(fx.db, changes, fx.account.id, localFolderInput(path)));

beforeAll(async () => {
  server = await startDovecot({
    users: [
      { name: 'bob', password: 'bob-secret' },
      { name: 'carol', password: 'carol-secret' },
    ],
  });
  fx = await pop3Fixture({ port: server.ports.pop3s, security: 'tls', user: 'bob', password: 'bob-secret', trustedFingerprint: server.certificate.fingerprint256, settings: { pop3Delete: { kind: 'after-download' } } });
  rules = createRuleWrites(fx.writer, fx.runtime);
  await fx.engine.syncOnce(fx.context());
});
afterAll(async () => {
  await server?.destroy();
});

describe('rules on POP3', () => {
  it('sorts arriving mail into local folders, sends server-flagged spam to a local Junk, keeps what a rule says to keep on the server', async () => {
    const deals = folder('Deals');
    await rules.saveRule({ name: 'Deals', query: 'subject:deals OR from:shop.example', actions: [{ kind: 'move', folderId: deals.id }, { kind: 'stop' }], accountId: fx.account.id, enabled: true });
    await rules.saveRule({ name: 'Keep receipts', query: 'receipt', actions: [{ kind: 'server-keep' }, { kind: 'tag', tag: 'receipts' }], accountId: null, enabled: true });
    // After a stop: never reached for the deals.
    await rules.saveRule({ name: 'Everything read', query: 'from:example.org OR from:shop.example', actions: [{ kind: 'read' }], accountId: null, enabled: true });
    await deliverMany(server, 'bob', [
      mail(1, { Subject: 'big deals today' }),
      mail(2, { Subject: 'your receipt' }),
      mail(3, { Subject: 'viagra', 'X-Spam-Status': 'Yes, score=12.0 required=5.0' }),
      mail(4, { Subject: 'rspamd says', 'X-Rspamd-Action': 'add header', 'X-Spam': 'Yes' }),
      mail(5, { Subject: 'hello bob' }),
    ]);
    await fx.engine.syncOnce(fx.context());
    expect(folderOf('big deals today')).toBe('Deals');
    expect(folderOf('viagra')).toBe('Junk');
    expect(folderOf('rspamd says')).toBe('Junk');
    expect(folderOf('your receipt')).toBe('INBOX');
    expect(folderOf('hello bob')).toBe('INBOX');
    const state = (subject: string) => fx.db.sqlite.prepare('SELECT seen, keywords FROM messages WHERE subject = ?').get(subject) as { seen: number; keywords: string };
    expect(state('big deals today').seen).toBe(0); // stopped before "Everything read"
    expect(state('hello bob').seen).toBe(1);
    expect(JSON.parse(state('your receipt').keywords)).toEqual(['receipts']);
    expect(JSON.parse(state('viagra').keywords)).toEqual(['$Junk']);
    // Junk was made for this account, marked as such; nothing deleted: every message is stored.
    expect(findFolderByPath(fx.db, fx.account.id, 'Junk')?.specialUse).toBe('junk');

    // The account deletes after download: everything but the receipt leaves the server at the next check.
    await fx.engine.syncOnce(fx.context());
    expect(onServer()).toEqual(['your receipt']);
  });

  it('marks a rule broken when its folder was deleted, and the mail stays in the inbox', async () => {
    const gone = folder('Gone');
    const rule = await rules.saveRule({ name: 'To gone', query: 'subject:orphan', actions: [{ kind: 'tag', tag: 'x' }, { kind: 'move', folderId: gone.id }], accountId: null, enabled: true });
    writeTransaction(fx.db, (changes) => deleteFolder(fx.db, changes, gone.id));
    // Broken as the folder goes, by its name (once the row is gone only its id would be left to name it).
    expect(listRules(fx.db).find((r) => r.id === rule.id)!.broken?.message).toMatch(/^The folder Gone this rule moves mail to was deleted/);
    await deliverMany(server, 'bob', [mail(6, { Subject: 'orphan mail' })]);
    await fx.engine.syncOnce(fx.context());
    expect(folderOf('orphan mail')).toBe('INBOX');
    // All of the rule or nothing: the tag before the failed move was rolled back.
    expect(fx.db.sqlite.prepare('SELECT keywords FROM messages WHERE subject = ?').pluck().get('orphan mail')).toBe('[]');
    const broken = listRules(fx.db).find((r) => r.id === rule.id)!.broken;
    expect(broken).toMatchObject({ code: 'NOT_FOUND' });
    expect(broken!.message).toMatch(/deleted/);
  });

  it('processes each message once per arrival when two rules move mail back and forth', async () => {
    const a = folder('LoopA');
    const b = folder('LoopB');
    const ab = await rules.saveRule({ name: 'A to B', query: 'subject:pingpong', actions: [{ kind: 'move', folderId: b.id }], accountId: null, enabled: true });
    const ba = await rules.saveRule({ name: 'B to A', query: 'subject:pingpong', actions: [{ kind: 'move', folderId: a.id }], accountId: null, enabled: true });
    await deliverMany(server, 'bob', [mail(7, { Subject: 'pingpong' })]);
    await fx.engine.syncOnce(fx.context());
    expect(folderOf('pingpong')).toBe('LoopA');
    const id = fx.db.sqlite.prepare('SELECT id FROM messages WHERE subject = ?').pluck().get('pingpong') as number;
    expect(fx.db.sqlite.prepare('SELECT rule_id FROM rule_runs WHERE message_id = ? AND rule_id IN (?, ?) ORDER BY rule_id').pluck().all(id, ab.id, ba.id)).toEqual([ab.id, ba.id]);
    // Running them again now changes nothing: each already acted on it.
    const run = await rules.runRules({ folderId: a.id });
    expect(run.rules.every((r) => r.acted === 0)).toBe(true);
    expect(folderOf('pingpong')).toBe('LoopA');
  });

  it('copies arriving mail to a local folder: a copy row with the same stored bytes, the original in the inbox, once', async () => {
    const saved = folder('Saved');
    const inbox = findFolderByPath(fx.db, fx.account.id, 'INBOX')!;
    const rule = await rules.saveRule({ name: 'Save tickets', query: 'subject:ticket', actions: [{ kind: 'copy', folderId: saved.id }], accountId: fx.account.id, enabled: true });
    await deliverMany(server, 'bob', [mail(8, { Subject: 'your ticket' })]);
    await fx.engine.syncOnce(fx.context());
    const rows = () =>
      fx.db.sqlite.prepare('SELECT m.id, f.path, m.uidl FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.subject = ? ORDER BY f.path').all('your ticket') as Array<{ id: number; path: string; uidl: string | null }>;
    expect(rows().map((r) => r.path)).toEqual(['INBOX', 'Saved']);
    const [original, copy] = rows();
    // The download keeps its UIDL; the copy has none (the server's copy is the original's alone).
    expect(original!.uidl).not.toBeNull();
    expect(copy!.uidl).toBeNull();
    expect(readSource(fx.db, copy!.id).equals(readSource(fx.db, original!.id))).toBe(true);
    // Found by search in its folder like any message.
    const searchHits = fx.db.sqlite.prepare(`SELECT count(*) FROM message_search WHERE message_search MATCH 'ticket'`).pluck().get() as number;
    expect(searchHits).toBe(2);
    for (const folderId of [inbox.id, saved.id]) expect((await rules.runRules({ ruleIds: [rule.id], folderId })).rules[0]!.acted).toBe(0);
    await fx.engine.syncOnce(fx.context());
    expect(rows()).toHaveLength(2);
  });
});

describe('download the rest later, through the CLI (real Dovecot, POP3)', () => {
  it('a matching message is stored as its beginning, stays on the server under after-download, and homing show --raw fetches the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-later-'));
    const cli = (...args: string[]) => runCli(['--data-dir', dir, ...args]);
    const newsletter = mail(20, { Subject: 'big newsletter' }, Array.from({ length: 300 }, (_, i) => `news line ${i} ${'x'.repeat(60)}`).join('\r\n') + '\r\n');
    const added = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'carol@example.org', '--protocol', 'pop3', '--host', '127.0.0.1', '--port', String(server.ports.pop3s),
        '--security', 'tls', '--username', 'carol', '--password-env', 'PW', '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { PW: 'carol-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    const account = added.stdout.trim();
    const db = new Database(join(dir, 'homing.sqlite'));
    try {
      const row = db.prepare('SELECT settings FROM accounts WHERE id = ?').get(account) as { settings: string };
      db.prepare('UPDATE accounts SET settings = ? WHERE id = ?').run(JSON.stringify({ ...JSON.parse(row.settings), pop3Delete: { kind: 'after-download' } }), account);
    } finally {
      db.close();
    }
    const rule = await cli('rule', 'add', '--name', 'Newsletters later', '--match', 'subject:newsletter', '--action', 'download-later', '--account', account);
    expect(rule.status, rule.stderr).toBe(0);
    deliverMany(server, 'carol', [newsletter, mail(21, { Subject: 'short note' })]);
    for (let pass = 0; pass < 2; pass++) expect((await cli('sync')).status).toBe(0);

    const stored = () => {
      const read = new Database(join(dir, 'homing.sqlite'), { readonly: true });
      try {
        return read.prepare('SELECT id, subject, body_status AS bodyStatus FROM messages ORDER BY subject').all() as Array<{ id: number; subject: string; bodyStatus: string }>;
      } finally {
        read.close();
      }
    };
    expect(stored().map((m) => [m.subject, m.bodyStatus])).toEqual([['big newsletter', 'partial'], ['short note', 'full']]);
    // After-download deleted the note; the newsletter's server copy stays for the rest.
    expect(maildirFiles(server.maildir('carol')).map((f) => /^Subject: (.*)$/m.exec(f.raw.toString())?.[1]?.trim())).toEqual(['big newsletter']);

    const id = stored()[0]!.id;
    const shown = await cli('show', String(id), '--raw');
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('news line 299');
    expect(stored()[0]!.bodyStatus).toBe('full');
  });
});

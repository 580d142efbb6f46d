import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFolderByPath } from '../../electron/store/folders';
import { listRules } from '../../electron/store/rules';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { createOrganiseWrites } from '../../electron/sync/writes/organise-writes';
import { createRuleWrites } from '../../electron/sync/writes/rule-writes';
import { junkStatus } from '../../electron/store/junk';
import { HomingError } from '../../shared/errors';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { deliverMany, imapFixture, type ImapFixture, secondClient, storedMessages } from '../helpers/imap-sync';
import { eml } from '../helpers/store';

/** Mail rules and junk on a real Dovecot over IMAP: what the rules do locally reaches the server (MOVE, keywords). */

let server: DovecotServer;
let fx: ImapFixture;
let rules: ReturnType<typeof createRuleWrites>;
let organise: ReturnType<typeof createOrganiseWrites>;

const mail = (n: number, headers: Record<string, string>, body = 'Hello there.\r\n') =>
  eml({ From: 'Friend <friend@example.org>', To: 'alice@example.org', Subject: `message ${n}`, 'Message-ID': `<r${n}@rules.test>`, Date: 'Mon, 1 Jan 2024 10:00:00 +0000', ...headers }, body);

/** Subject -> flags of every message in a server folder, as another client sees it. */
async function onServer(folder: string): Promise<Map<string, string[]>> {
  const client = await secondClient(server);
  try {
    const out = new Map<string, string[]>();
    const lock = await client.getMailboxLock(folder);
    try {
      for await (const m of client.fetch('1:*', { envelope: true, flags: true })) out.set(m.envelope?.subject ?? '', [...(m.flags ?? [])].sort());
    } catch {
      // An empty folder: FETCH 1:* fails.
    } finally {
      lock.release();
    }
    return out;
  } finally {
    await client.logout();
  }
}

const inFolder = (folder: string) => storedMessages(fx.db, fx.account.id).filter((m) => m.folder === folder && !m.deletedLocally);
const idOf = (subject: string) => fx.db.sqlite.prepare('SELECT id FROM messages WHERE subject = ?').pluck().get(subject) as number;

beforeAll(async () => {
  server = await startDovecot();
  await deliverMany(server, 'alice', [{ raw: mail(0, { Subject: 'before any rule' }) }]);
  fx = await imapFixture(server);
  rules = createRuleWrites(fx.writer, fx.runtime);
  organise = createOrganiseWrites(fx.writer, fx.runtime);
  await imapEngine.syncOnce(fx.context());
});
afterAll(async () => {
  await server?.destroy();
});

describe('rules on IMAP', () => {
  it('refuses a query that does not parse when the rule is saved (INVALID_QUERY)', async () => {
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    const error = await rules.saveRule({ name: 'bad', query: 'frobnicate:yes', actions: [{ kind: 'move', folderId: archive.id }], accountId: null, enabled: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomingError);
    expect((error as HomingError).code).toBe('INVALID_QUERY');
    expect(listRules(fx.db)).toEqual([]);
  });

  it('applies rules to new mail on arrival, and the server sees the moves and keywords', async () => {
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    await rules.saveRule({ name: 'Newsletters', query: 'from:deals@shop.example', actions: [{ kind: 'move', folderId: archive.id }, { kind: 'read' }], accountId: null, enabled: true });
    // Reads the text: waits for the body phase on IMAP, then tags and flags.
    await rules.saveRule({ name: 'Bills', query: 'invoice', actions: [{ kind: 'tag', tag: 'billing' }, { kind: 'flag' }], accountId: fx.account.id, enabled: true });
    await rules.saveRule({ name: 'Mailer', query: 'header:X-Mailer:"Bulk Sender"', actions: [{ kind: 'tag', tag: 'bulk' }], accountId: null, enabled: true });
    await deliverMany(server, 'alice', [
      { raw: mail(1, { From: 'Shop <deals@shop.example>', Subject: 'weekly deals' }) },
      { raw: mail(2, { Subject: 'your invoice' }, 'Please find the invoice attached.\r\n') },
      { raw: mail(3, { Subject: 'plain hello' }) },
      { raw: mail(4, { Subject: 'cheap pills', 'X-Spam-Flag': 'YES', 'X-Spam-Status': 'Yes, score=9.1' }) },
      { raw: mail(5, { Subject: 'bulk news', 'X-Mailer': 'Bulk Sender 2.0' }) },
    ]);
    const result = await imapEngine.syncOnce(fx.context());
    expect(result.added).toBe(5);

    // Locally, at once.
    expect(inFolder('Archive').map((m) => m.id)).toEqual([idOf('weekly deals')]);
    expect(inFolder('Junk').map((m) => m.id)).toEqual([idOf('cheap pills')]);
    expect(inFolder('INBOX').map((m) => m.id).sort()).toEqual([idOf('before any rule'), idOf('your invoice'), idOf('plain hello'), idOf('bulk news')].sort());

    // On the server, after the same pass replayed the queue.
    const serverInbox = await onServer('INBOX');
    expect([...serverInbox.keys()].sort()).toEqual(['before any rule', 'bulk news', 'plain hello', 'your invoice']);
    expect(serverInbox.get('your invoice')).toEqual(expect.arrayContaining(['billing', '\\Flagged']));
    expect(serverInbox.get('bulk news')).toEqual(expect.arrayContaining(['bulk']));
    expect(serverInbox.get('plain hello')).not.toContain('billing');
    const serverArchive = await onServer('Archive');
    expect(serverArchive.get('weekly deals')).toEqual(expect.arrayContaining(['\\Seen']));
    const serverJunk = await onServer('Junk');
    expect(serverJunk.get('cheap pills')).toEqual(expect.arrayContaining(['$Junk']));
  });

  it('does not process a message twice: a second sync leaves it alone', async () => {
    const runs = fx.db.sqlite.prepare('SELECT count(*) FROM rule_runs').pluck().get();
    await imapEngine.syncOnce(fx.context());
    expect(fx.db.sqlite.prepare('SELECT count(*) FROM rule_runs').pluck().get()).toBe(runs);
    expect(inFolder('Archive')).toHaveLength(1);
  });

  it('runs a rule on a folder on demand; the moves reach the server', async () => {
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    const inbox = findFolderByPath(fx.db, fx.account.id, 'INBOX')!;
    const rule = await rules.saveRule({ name: 'Hellos', query: 'subject:hello', actions: [{ kind: 'move', folderId: archive.id }], accountId: null, enabled: true });
    const run = await rules.runRules({ ruleIds: [rule.id], folderId: inbox.id });
    expect(run.rules).toEqual([{ ruleId: rule.id, matched: 1, acted: 1, broken: null }]);
    expect(inFolder('Archive').map((m) => m.id).sort()).toEqual([idOf('weekly deals'), idOf('plain hello')].sort());
    await imapEngine.syncOnce(fx.context());
    expect([...(await onServer('Archive')).keys()].sort()).toEqual(['plain hello', 'weekly deals']);
    // Run again: the rule already acted on it.
    const again = await rules.runRules({ ruleIds: [rule.id], folderId: archive.id });
    expect(again.rules[0]!.acted).toBe(0);
  });

  it('Junk and Not junk move the message, set $Junk/$NotJunk on the server and train the classifier', async () => {
    const before = junkStatus(fx.db);
    const id = idOf('bulk news');
    await rules.markJunk({ ids: [id], junk: true });
    await imapEngine.syncOnce(fx.context());
    expect((await onServer('Junk')).get('bulk news')).toEqual(expect.arrayContaining(['$Junk']));
    expect(junkStatus(fx.db).trainedJunk).toBe(before.trainedJunk + 1);

    await rules.markJunk({ ids: [id], junk: false });
    await imapEngine.syncOnce(fx.context());
    const flags = (await onServer('INBOX')).get('bulk news');
    expect(flags).toEqual(expect.arrayContaining(['$NotJunk']));
    expect(flags).not.toContain('$Junk');
    expect((await onServer('Junk')).has('bulk news')).toBe(false);
    // Changed its mind: counted once, as not junk.
    expect(junkStatus(fx.db)).toMatchObject({ trainedJunk: before.trainedJunk, trainedNotJunk: before.trainedNotJunk + 1 });
  });

  it('Undo takes Junk and Not junk back: the message where it was, its keywords as they were on the server, and the filter unlearns', async () => {
    const before = junkStatus(fx.db);
    const id = idOf('plain hello');
    const place = () => inFolder('INBOX').some((m) => m.id === id) ? 'INBOX' : inFolder('Junk').some((m) => m.id === id) ? 'Junk' : inFolder('Archive').some((m) => m.id === id) ? 'Archive' : null;
    const startedIn = place();
    expect(startedIn).not.toBeNull();
    const serverFlags = async () => (await onServer(startedIn!)).get('plain hello');

    // Junk, the server told, then undone: back in its folder there, without $Junk, and not learnt.
    const junked = await rules.markJunk({ ids: [id], junk: true });
    expect(junked.undo).toMatchObject({ kind: 'junk', messageCount: 1, description: 'Marked 1 message as junk.' });
    await imapEngine.syncOnce(fx.context());
    expect((await onServer('Junk')).get('plain hello')).toEqual(expect.arrayContaining(['$Junk']));
    expect(junkStatus(fx.db).trainedJunk).toBe(before.trainedJunk + 1);
    await expect(organise.undo({ id: junked.undo!.id })).resolves.toMatchObject({ restored: 1, missing: [] });
    expect(place()).toBe(startedIn);
    expect(junkStatus(fx.db)).toMatchObject({ trainedJunk: before.trainedJunk, trainedNotJunk: before.trainedNotJunk });
    await imapEngine.syncOnce(fx.context());
    expect((await onServer('Junk')).has('plain hello')).toBe(false);
    expect(await serverFlags()).not.toContain('$Junk');
    expect(await serverFlags()).not.toContain('$NotJunk');

    // Undone before the queue ran: the server never sees it leave (the queued move is taken over).
    const quick = await rules.markJunk({ ids: [id], junk: true });
    await organise.undo({ id: quick.undo!.id });
    await imapEngine.syncOnce(fx.context());
    expect((await onServer('Junk')).has('plain hello')).toBe(false);
    expect(await serverFlags()).not.toContain('$Junk');

    // Not junk on a message in Junk that had been learnt as junk: undone, it is in Junk with $Junk again,
    // and the filter has its junk lesson back (not forgotten, not learnt as wanted).
    const again = await rules.markJunk({ ids: [id], junk: true });
    await imapEngine.syncOnce(fx.context());
    expect(again.undo).not.toBeNull();
    const learnt = junkStatus(fx.db);
    const rescued = await rules.markJunk({ ids: [id], junk: false });
    expect(rescued.undo).toMatchObject({ kind: 'junk', description: 'Marked 1 message as not junk.' });
    await imapEngine.syncOnce(fx.context());
    expect(place()).toBe('INBOX');
    expect(junkStatus(fx.db)).toMatchObject({ trainedJunk: learnt.trainedJunk - 1, trainedNotJunk: learnt.trainedNotJunk + 1 });
    await organise.undo({ id: rescued.undo!.id });
    expect(place()).toBe('Junk');
    expect(junkStatus(fx.db)).toMatchObject({ trainedJunk: learnt.trainedJunk, trainedNotJunk: learnt.trainedNotJunk });
    await imapEngine.syncOnce(fx.context());
    const inJunk = (await onServer('Junk')).get('plain hello');
    expect(inJunk).toEqual(expect.arrayContaining(['$Junk']));
    expect(inJunk).not.toContain('$NotJunk');
    expect((await onServer('INBOX')).has('plain hello')).toBe(false);
  });

  it('copies a message on arrival: on the server once in the inbox and once in the target, the copy matched to its new UID', async () => {
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    const inbox = findFolderByPath(fx.db, fx.account.id, 'INBOX')!;
    const rule = await rules.saveRule({ name: 'Receipts', query: 'subject:receipt', actions: [{ kind: 'copy', folderId: archive.id }], accountId: fx.account.id, enabled: true });
    await deliverMany(server, 'alice', [{ raw: mail(6, { Subject: 'shop receipt' }) }]);
    await imapEngine.syncOnce(fx.context());
    const copies = () => storedMessages(fx.db, fx.account.id).filter((m) => m.messageId === '<r6@rules.test>' && !m.deletedLocally);
    expect(copies().map((m) => m.folder).sort()).toEqual(['Archive', 'INBOX']);
    // The copy has the UID the server gave it (COPYUID), not a row waiting for a re-match.
    expect(copies().every((m) => m.uid !== null)).toBe(true);
    expect(await countOnServer('INBOX', 'shop receipt')).toBe(1);
    expect(await countOnServer('Archive', 'shop receipt')).toBe(1);
    expect(fx.db.sqlite.prepare(`SELECT count(*) FROM pending_ops WHERE kind = 'copy'`).pluck().get()).toBe(0);

    // Idempotent: another sync and a run on either folder copy nothing again.
    await imapEngine.syncOnce(fx.context());
    for (const folderId of [inbox.id, archive.id]) expect((await rules.runRules({ ruleIds: [rule.id], folderId })).rules[0]!.acted).toBe(0);
    await imapEngine.syncOnce(fx.context());
    expect(copies()).toHaveLength(2);
    expect(await countOnServer('INBOX', 'shop receipt')).toBe(1);
    expect(await countOnServer('Archive', 'shop receipt')).toBe(1);
  });
});

/** How many messages of a server folder have this subject, as another client sees it. */
async function countOnServer(folder: string, subject: string): Promise<number> {
  const client = await secondClient(server);
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      let n = 0;
      for await (const m of client.fetch('1:*', { envelope: true })) if (m.envelope?.subject === subject) n++;
      return n;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

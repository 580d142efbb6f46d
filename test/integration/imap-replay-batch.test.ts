import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariesByIds } from '../../electron/store/message-summaries';
import { findFolderByPath } from '../../electron/store/folders';
import { listPendingOperations } from '../../electron/store/operation-queue';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { connectAccount, createPass } from '../../electron/sync/imap/imap-pass';
import { replayPending } from '../../electron/sync/imap/ops/replay-pending';
import { createActionWrites } from '../../electron/sync/writes/action-writes';
import { createOrganiseWrites } from '../../electron/sync/writes/organise-writes';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type ImapQuirkProxy, type LineRewrite, startImapQuirkProxy } from '../servers/imap-quirk-proxy';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, imapFixture, type ImapFixture, secondClient, serverState, storeState, storedMessages } from '../helpers/imap-sync';

/** Dovecot with `count` corpus messages in alice's INBOX, a plain-text proxy in front that sees each server line, and the account synced once through it. */
async function syncedBehindProxy(count: number, onLine: LineRewrite): Promise<{ server: DovecotServer; proxy: ImapQuirkProxy; fx: ImapFixture }> {
  const server = await startDovecot({ allowPlaintext: true });
  await deliverMany(
    server,
    'alice',
    Array.from({ length: count }, (_, i) => ({ raw: corpusMessage(i + 1), flags: [] })),
  );
  const proxy = await startImapQuirkProxy({ host: '127.0.0.1', port: server.ports.imap }, onLine);
  const fx = await imapFixture(server, { port: proxy.port, security: 'none' });
  await imapEngine.syncOnce(fx.context());
  return { server, proxy, fx };
}

/**
 * The replay sends queued operations of one change on one folder as one command (issue 23: rules queue one
 * operation per action per stored batch, and each used to cost a round trip). Counted on the wire: a
 * plain-text proxy in front of Dovecot sees the server's tagged answers, one per command.
 */
describe('IMAP replay: consecutive operations of one change go as one command', () => {
  let server: DovecotServer;
  let proxy: ImapQuirkProxy;
  let fx: ImapFixture;
  const tagged: string[] = [];
  /** Untagged FETCH responses (a STORE's answer names each message it changed). */
  const fetched: string[] = [];

  beforeAll(async () => {
    // Tagged completions only ("A12 OK Move completed"), never untagged data or message bytes.
    ({ server, proxy, fx } = await syncedBehindProxy(50, (line) => {
      if (/^[A-Za-z0-9.]+ (OK|NO|BAD) /.test(line)) tagged.push(line);
      if (/^\* \d+ FETCH \(/.test(line)) fetched.push(line);
      return undefined;
    }));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it('50 flag changes and 50 moves, one action each, reach Dovecot as one UID STORE and one UID MOVE', async () => {
    const actions = createActionWrites(fx.writer, fx.runtime);
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    const ids = storedMessages(fx.db, fx.account.id)
      .filter((m) => m.folder === 'INBOX')
      .map((m) => m.id);
    expect(ids).toHaveLength(50);
    for (const id of ids) await actions.markMessages({ ids: [id], flagged: true });
    for (const id of ids) await actions.moveMessages({ ids: [id], toFolderId: archive.id });
    expect(listPendingOperations(fx.db, fx.account.id)).toHaveLength(100);

    tagged.length = 0;
    await imapEngine.syncOnce(fx.context());

    const commands = (word: string) => tagged.filter((line) => new RegExp(`^\\S+ OK (\\[[^\\]]*\\] )?${word} completed`, 'i').test(line));
    expect(commands('Store')).toHaveLength(1);
    expect(commands('Move')).toHaveLength(1);
    expect(tagged.filter((line) => /^\S+ (NO|BAD) /.test(line))).toEqual([]);
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);

    // The flag changes waited for the moves' new UIDs (a move carries the row), then went together.
    // Each message reached the server once, flagged and moved; the store says the same.
    const client = await secondClient(server);
    try {
      const state = await serverState(client);
      expect(state.INBOX).toEqual([]);
      expect(state.Archive).toHaveLength(50);
      expect(state.Archive!.every((m) => m.flags.includes('\\Flagged'))).toBe(true);
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
    } finally {
      await client.logout();
    }
  });
  it('a flag change of other flags between two runs of one change keeps neither apart: one UID STORE each', async () => {
    // Rules interleave changes: one rule marks read, another flags, a third marks read others of the same
    // messages. Only a change of the same flag (or a move) on the same message has to wait its turn.
    const actions = createActionWrites(fx.writer, fx.runtime);
    const ids = storedMessages(fx.db, fx.account.id)
      .filter((m) => m.folder === 'Archive')
      .map((m) => m.id)
      .slice(0, 6);
    expect(ids).toHaveLength(6);
    await actions.markMessages({ ids: ids.slice(0, 3), seen: false });
    await actions.markMessages({ ids: ids.slice(3), seen: false });
    await imapEngine.syncOnce(fx.context());
    for (const [i, id] of ids.entries()) {
      if (i % 2 === 0) await actions.markMessages({ ids: [id], seen: true });
      else {
        await actions.markMessages({ ids: [id], flagged: false });
        await actions.markMessages({ ids: [id], seen: true });
      }
    }
    tagged.length = 0;
    await imapEngine.syncOnce(fx.context());

    const stores = tagged.filter((line) => /^\S+ OK (\[[^\]]*\] )?Store completed/i.test(line));
    // One for \Seen, one for \Flagged; three when the read of a message waited behind its unflag.
    expect(stores).toHaveLength(2);
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    const client = await secondClient(server);
    try {
      const state = await serverState(client);
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
    } finally {
      await client.logout();
    }
  });

  it('selects the folder once for all the commands the replay sends to it', async () => {
    // Each SELECT makes Dovecot sync the folder's Maildir again: a folder already selected for writing is not selected again.
    const actions = createActionWrites(fx.writer, fx.runtime);
    const inbox = findFolderByPath(fx.db, fx.account.id, 'INBOX')!;
    const ids = storedMessages(fx.db, fx.account.id)
      .filter((m) => m.folder === 'Archive')
      .map((m) => m.id)
      .slice(10, 13);
    expect(ids).toHaveLength(3);
    await actions.markMessages({ ids: [ids[0]!], flagged: false });
    await actions.moveMessages({ ids: [ids[1]!], toFolderId: inbox.id });
    await actions.markMessages({ ids: [ids[2]!], seen: true });
    tagged.length = 0;
    await imapEngine.syncOnce(fx.context());

    const completed = (word: string) => tagged.filter((line) => new RegExp(`^\\S+ OK (\\[[^\\]]*\\] )?${word} completed`, 'i').test(line));
    expect(completed('Store')).toHaveLength(2);
    expect(completed('Move')).toHaveLength(1);
    // Read-write: the replay's; the sync's own look at each folder is read-only (EXAMINE).
    expect(tagged.filter((line) => /^\S+ OK \[READ-WRITE\]/i.test(line))).toHaveLength(1);
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    const client = await secondClient(server);
    try {
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(client));
    } finally {
      await client.logout();
    }
  });

  it('a flag batch over several folders starts with the folder open for writing: no SELECT back and forth', async () => {
    // Rules move mail out of INBOX and mark it and the mail they leave there: after the moves INBOX is open
    // for writing, and a SELECT of a large Maildir INBOX makes Dovecot sync it again.
    const actions = createActionWrites(fx.writer, fx.runtime);
    const inbox = findFolderByPath(fx.db, fx.account.id, 'INBOX')!;
    const archived = storedMessages(fx.db, fx.account.id).filter((m) => m.folder === 'Archive' && m.uid !== null);
    const inInbox = storedMessages(fx.db, fx.account.id).filter((m) => m.folder === 'INBOX' && m.uid !== null);
    expect(archived.length).toBeGreaterThan(30);
    expect(inInbox.length).toBeGreaterThan(0);
    const [moved, marked] = [archived[30]!, archived[31]!];
    await actions.markMessages({ ids: [inInbox[0]!.id, marked.id], flagged: false });
    await imapEngine.syncOnce(fx.context());
    await actions.moveMessages({ ids: [moved.id], toFolderId: inbox.id });
    // INBOX's message first: in queue order its folder would be selected first, then Archive again.
    await actions.markMessages({ ids: [inInbox[0]!.id], flagged: true });
    await actions.markMessages({ ids: [marked.id], flagged: true });
    tagged.length = 0;
    const connection = await connectAccount(fx.context());
    try {
      await replayPending(createPass(fx.context(), connection));
    } finally {
      await connection.logout();
    }

    const completed = (word: string) => tagged.filter((line) => new RegExp(`^\\S+ OK (\\[[^\\]]*\\] )?${word} completed`, 'i').test(line));
    expect(completed('Move')).toHaveLength(1);
    expect(completed('Store')).toHaveLength(2);
    // Archive for the move (and the flag change of its message), INBOX once: three with the queue's order.
    expect(tagged.filter((line) => /^\S+ OK \[READ-WRITE\]/i.test(line))).toHaveLength(2);
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    const client = await secondClient(server);
    try {
      const state = await serverState(client);
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
      const now = new Map(storedMessages(fx.db, fx.account.id).map((m) => [m.id, m]));
      expect([now.get(inInbox[0]!.id)!.flagged, now.get(marked.id)!.flagged, now.get(moved.id)!.folder]).toEqual([true, true, 'INBOX']);
    } finally {
      await client.logout();
    }
  });

  it('flag changes of several flags on the same messages reach Dovecot as one UID STORE per set of flags', async () => {
    // Rules mark read, flag and tag the same arriving messages, each as its own operation: a Maildir server
    // renames a message's file for each STORE that changes it, so each message gets one with all its flags.
    const actions = createActionWrites(fx.writer, fx.runtime);
    const ids = storedMessages(fx.db, fx.account.id)
      .filter((m) => m.folder === 'Archive')
      .map((m) => m.id)
      .slice(20, 24);
    expect(ids).toHaveLength(4);
    await actions.markMessages({ ids, flagged: false, seen: false });
    await imapEngine.syncOnce(fx.context());
    for (const id of ids) await actions.markMessages({ ids: [id], seen: true });
    for (const id of ids) await actions.markMessages({ ids: [id], flagged: true });
    // A later change of the same flag on one of them overrides its earlier one: it is set, not cleared.
    await actions.markMessages({ ids: [ids[0]!], seen: false });
    tagged.length = 0;
    fetched.length = 0;
    // The replay alone, as the sync's last step runs it after the rules of the body phase.
    const connection = await connectAccount(fx.context());
    try {
      await replayPending(createPass(fx.context(), connection));
    } finally {
      await connection.logout();
    }

    const stores = tagged.filter((line) => /^\S+ OK (\[[^\]]*\] )?Store completed/i.test(line));
    // +FLAGS (\Flagged \Seen) for three, +FLAGS (\Flagged) and -FLAGS (\Seen) for the first.
    expect(stores).toHaveLength(3);
    // Each message changed once (Dovecot answers a STORE with a FETCH per message it changed): nine
    // changes when each operation went on its own (\Seen on four, \Flagged on four, \Seen off the first).
    expect(fetched).toHaveLength(4);
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    const client = await secondClient(server);
    try {
      const state = await serverState(client);
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
      const flagsOf = new Map(storedMessages(fx.db, fx.account.id).map((m) => [m.id, m]));
      expect(ids.map((id) => [flagsOf.get(id)!.seen, flagsOf.get(id)!.flagged])).toEqual([
        [false, true],
        [true, true],
        [true, true],
        [true, true],
      ]);
    } finally {
      await client.logout();
    }
  });

  it('moves out of one folder to several targets go together while it is open, not around flag changes elsewhere: a COPY each, one removal', async () => {
    // Rules move mail to eight folders with flag changes between (of mail already moved, or in other
    // folders): in queue order each flag batch elsewhere made the next move batch SELECT INBOX again,
    // and each SELECT of a large Maildir INBOX after expunges makes Dovecot sync it. Then each target's
    // MOVE made Dovecot expunge from INBOX (and sync it) again: now a COPY per target and one removal.
    const actions = createActionWrites(fx.writer, fx.runtime);
    const inbox = findFolderByPath(fx.db, fx.account.id, 'INBOX')!;
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    const junk = findFolderByPath(fx.db, fx.account.id, 'Junk')!;
    const archived = storedMessages(fx.db, fx.account.id).filter((m) => m.folder === 'Archive' && m.uid !== null);
    expect(archived.length).toBeGreaterThan(45);
    const [a, b, c, d] = archived.slice(40, 44).map((m) => m.id);
    const elsewhere = archived[45]!.id;
    await actions.moveMessages({ ids: [a!, b!, c!, d!], toFolderId: inbox.id });
    await actions.markMessages({ ids: [elsewhere], flagged: false });
    await imapEngine.syncOnce(fx.context());
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);

    await actions.moveMessages({ ids: [a!], toFolderId: archive.id });
    await actions.moveMessages({ ids: [b!], toFolderId: archive.id });
    await actions.markMessages({ ids: [elsewhere], flagged: true });
    await actions.moveMessages({ ids: [c!], toFolderId: junk.id });
    await actions.moveMessages({ ids: [d!], toFolderId: junk.id });
    tagged.length = 0;
    const connection = await connectAccount(fx.context());
    try {
      await replayPending(createPass(fx.context(), connection));
    } finally {
      await connection.logout();
    }

    const completed = (word: string) => tagged.filter((line) => new RegExp(`^\\S+ OK (\\[[^\\]]*\\] )?${word} completed`, 'i').test(line));
    expect(completed('Move')).toHaveLength(0);
    expect(completed('Copy')).toHaveLength(2);
    // STORE +FLAGS.SILENT (\Deleted) of all four in INBOX, and the flag change in Archive.
    expect(completed('Store')).toHaveLength(2);
    expect(completed('Expunge')).toHaveLength(1);
    // INBOX once for both moves, then Archive for the flag change: three in queue order (INBOX, Archive, INBOX).
    expect(tagged.filter((line) => /^\S+ OK \[READ-WRITE\]/i.test(line))).toHaveLength(2);
    expect(tagged.filter((line) => /^\S+ (NO|BAD) /.test(line))).toEqual([]);
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    const client = await secondClient(server);
    try {
      const state = await serverState(client);
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
      const now = new Map(storedMessages(fx.db, fx.account.id).map((m) => [m.id, m]));
      expect([a, b, c, d].map((id) => now.get(id!)!.folder)).toEqual(['Archive', 'Archive', 'Junk', 'Junk']);
      expect(now.get(elsewhere)!.flagged).toBe(true);
    } finally {
      await client.logout();
    }
  });
});

/**
 * Rules move mail and then mark it ("move to Lists, tag lists", a later rule's "read" of mail an earlier
 * one moved): the flag changes come after the moves in the queue. The moves carry flags and keywords, so
 * the replay sends those flag changes in the source before the moves (flagsBeforeMoves) instead of
 * selecting each target afterwards for a STORE there.
 */
describe('IMAP replay: flag changes of messages that moves queued before them take out of the folder', () => {
  let server: DovecotServer;
  let proxy: ImapQuirkProxy;
  let fx: ImapFixture;
  const tagged: string[] = [];

  beforeAll(async () => {
    ({ server, proxy, fx } = await syncedBehindProxy(6, (line) => {
      if (/^[A-Za-z0-9.]+ (OK|NO|BAD) /.test(line)) tagged.push(line);
      return undefined;
    }));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it('go in the source before the moves, which carry them: no SELECT or STORE in the targets', async () => {
    const actions = createActionWrites(fx.writer, fx.runtime);
    const organise = createOrganiseWrites(fx.writer, fx.runtime);
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    const junk = findFolderByPath(fx.db, fx.account.id, 'Junk')!;
    const [a, b, c, d, e, f] = storedMessages(fx.db, fx.account.id)
      .filter((m) => m.folder === 'INBOX')
      .map((m) => m.id);
    // Two stored batches' worth, as rules queue them: moves of one message each, then flag changes.
    await actions.moveMessages({ ids: [a!], toFolderId: archive.id });
    await actions.moveMessages({ ids: [b!], toFolderId: archive.id });
    await actions.markMessages({ ids: [a!, b!], flagged: true });
    await organise.tagMessages({ ids: [b!], add: ['lists'], remove: [] });
    await actions.moveMessages({ ids: [e!], toFolderId: junk.id });
    await actions.moveMessages({ ids: [f!], toFolderId: junk.id });
    await actions.markMessages({ ids: [a!, d!, e!], seen: true });
    // Taken back before the replay: set, then cleared, in the order they were made.
    await actions.markMessages({ ids: [a!], flagged: false });
    expect(listPendingOperations(fx.db, fx.account.id).map((op) => op.kind)).toEqual(['move', 'move', 'flags', 'flags', 'move', 'move', 'flags', 'flags']);

    tagged.length = 0;
    const connection = await connectAccount(fx.context());
    try {
      await replayPending(createPass(fx.context(), connection));
    } finally {
      await connection.logout();
    }

    const completed = (word: string) => tagged.filter((line) => new RegExp(`^\\S+ OK (\\[[^\\]]*\\] )?${word} completed`, 'i').test(line));
    expect(tagged.filter((line) => /^\S+ (NO|BAD) /.test(line))).toEqual([]);
    // INBOX alone is selected (the targets get a STATUS and a COPY each).
    expect(tagged.filter((line) => /^\S+ OK \[READ-WRITE\]/i.test(line))).toHaveLength(1);
    expect(completed('Copy')).toHaveLength(2);
    expect(completed('Expunge')).toHaveLength(1);
    // In INBOX: +\Seen of a, d and e, +\Flagged lists of b, -\Flagged of a, and the chain's \Deleted of the
    // four: one STORE per set of flags, none in Archive or Junk (before: a SELECT and STOREs in each).
    expect(completed('Store')).toHaveLength(4);
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    const client = await secondClient(server);
    try {
      const state = await serverState(client);
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
      const now = new Map(storedMessages(fx.db, fx.account.id).map((m) => [m.id, m]));
      expect([a, b, c, d, e, f].map((id) => [now.get(id!)!.folder, now.get(id!)!.flagged, now.get(id!)!.seen])).toEqual([
        ['Archive', false, true],
        ['Archive', true, false],
        ['INBOX', false, false],
        ['INBOX', false, true],
        ['Junk', false, true],
        ['Junk', false, false],
      ]);
      expect(state.Archive!.some((m) => m.flags.includes('lists'))).toBe(true);
    } finally {
      await client.logout();
    }
  });
});

/** Dovecot's ACL plugin: a folder whose ACL file gives its owner only `lr` answers NO to a STORE. */
const ACL_CONFIG = `mail_plugins = $mail_plugins acl
protocol imap {
  mail_plugins = $mail_plugins acl imap_acl
}
plugin {
  acl = vfile
}
`;

describe('IMAP replay: a batch the server refuses', () => {
  let server: DovecotServer;
  let fx: ImapFixture;

  beforeAll(async () => {
    server = await startDovecot({ extraConfig: ACL_CONFIG });
    await deliverMany(server, 'alice', [
      { folder: 'Archive', raw: corpusMessage(1), flags: [] },
      { folder: 'Archive', raw: corpusMessage(2), flags: [] },
      { raw: corpusMessage(3), flags: [] },
      { raw: corpusMessage(4), flags: [] },
    ]);
    fx = await imapFixture(server);
    await imapEngine.syncOnce(fx.context());
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('refuses each operation the server refuses, rolls back its own rows, and carries out the others', async () => {
    const actions = createActionWrites(fx.writer, fx.runtime);
    const byFolder = (folder: string) =>
      storedMessages(fx.db, fx.account.id)
        .filter((m) => m.folder === folder)
        .map((m) => m.id);
    const archived = byFolder('Archive');
    const inbox = byFolder('INBOX');
    await writeFile(join(server.maildir('alice'), '.Archive', 'dovecot-acl'), 'owner lr\n');
    // One action per message, all the same change: one batch over two folders, one of them read-only.
    for (const id of [archived[0]!, inbox[0]!, archived[1]!, inbox[1]!]) await actions.markMessages({ ids: [id], flagged: true });

    expect((await fx.runtime.syncOne(fx.account, new AbortController().signal)).error).toBeNull();
    const ops = listPendingOperations(fx.db, fx.account.id);
    expect(ops.map((op) => [op.messageIds, op.state, op.error?.code])).toEqual([
      [[archived[0]], 'refused', 'OPERATION_REFUSED'],
      [[archived[1]], 'refused', 'OPERATION_REFUSED'],
    ]);
    expect(summariesByIds(fx.db, [...archived, ...inbox]).map((m) => [m.flagged, m.pendingState])).toEqual([
      [false, 'refused'],
      [false, 'refused'],
      [true, null],
      [true, null],
    ]);
    const other = await secondClient(server);
    try {
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
    } finally {
      await other.logout().catch(() => other.close());
    }
  });
});

describe('IMAP replay: a flag change queued before the move of its message', () => {
  let server: DovecotServer;
  let fx: ImapFixture;

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(
      server,
      'alice',
      Array.from({ length: 5 }, (_, i) => ({ raw: corpusMessage(i + 1), flags: [] })),
    );
    fx = await imapFixture(server);
    await imapEngine.syncOnce(fx.context());
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('goes in the same replay once the move told the new UIDs, so nothing stays queued', async () => {
    // As rules do: one rule moves to Archive and flags, a later one moves on to Junk. The flag change names
    // rows that wait for a move queued after it (the move to Junk took over the one to Archive).
    const actions = createActionWrites(fx.writer, fx.runtime);
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    const junk = findFolderByPath(fx.db, fx.account.id, 'Junk')!;
    const ids = storedMessages(fx.db, fx.account.id).map((m) => m.id);
    await actions.moveMessages({ ids, toFolderId: archive.id });
    await actions.markMessages({ ids, flagged: true });
    await actions.moveMessages({ ids, toFolderId: junk.id });

    // One replay, as the sync's last step runs it after the rules of the body phase.
    const connection = await connectAccount(fx.context());
    try {
      await replayPending(createPass(fx.context(), connection));
    } finally {
      await connection.logout();
    }
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    const client = await secondClient(server);
    try {
      const state = await serverState(client);
      expect(state.INBOX).toEqual([]);
      expect(state.Junk).toHaveLength(5);
      expect(state.Junk!.every((m) => m.flags.includes('\\Flagged'))).toBe(true);
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
    } finally {
      await client.logout();
    }
  });
});

/**
 * A move chain (replay-batch.ts moveChain) copies to every target before it removes anything from the
 * source, so a cut in between leaves copies in the targets and the originals in the source, with every
 * operation marked sent. Made here with a proxy that cuts the connection right after the second COPY's
 * answer (a crash at that moment leaves the same); the next pass must finish each move without a second
 * copy anywhere.
 */
describe('IMAP replay: a move chain cut between its COPYs and the removal from the source', () => {
  let server: DovecotServer;
  let proxy: ImapQuirkProxy;
  let fx: ImapFixture;
  let copies = 0;
  let armed = false;

  beforeAll(async () => {
    ({ server, proxy, fx } = await syncedBehindProxy(4, (line) => {
      if (!armed || !/^\S+ OK \[COPYUID [^\]]*\] Copy completed/i.test(line)) return undefined;
      copies++;
      if (copies < 2) return undefined;
      armed = false;
      return 'cut';
    }));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it('the next pass removes the originals and copies nothing twice', async () => {
    const actions = createActionWrites(fx.writer, fx.runtime);
    const archive = findFolderByPath(fx.db, fx.account.id, 'Archive')!;
    const junk = findFolderByPath(fx.db, fx.account.id, 'Junk')!;
    const [a, b, c, d] = storedMessages(fx.db, fx.account.id)
      .filter((m) => m.folder === 'INBOX')
      .map((m) => m.id);
    for (const id of [a!, b!]) await actions.moveMessages({ ids: [id], toFolderId: archive.id });
    for (const id of [c!, d!]) await actions.moveMessages({ ids: [id], toFolderId: junk.id });

    armed = true;
    await expect(imapEngine.syncOnce(fx.context())).rejects.toThrow();
    expect(copies).toBe(2);
    const client = await secondClient(server);
    try {
      // The cut left both copies made and the originals still in INBOX.
      const cut = await serverState(client);
      expect(cut.INBOX).toHaveLength(4);
      expect(cut.Archive).toHaveLength(2);
      expect(cut.Junk).toHaveLength(2);
      expect(listPendingOperations(fx.db, fx.account.id)).toHaveLength(4);

      await imapEngine.syncOnce(fx.context());
      expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
      const state = await serverState(client);
      expect(state.INBOX).toEqual([]);
      expect(state.Archive).toHaveLength(2);
      expect(state.Junk).toHaveLength(2);
      expect(storeState(fx.db, fx.account.id)).toEqual(state);
      const now = new Map(storedMessages(fx.db, fx.account.id).map((m) => [m.id, m]));
      expect([a, b, c, d].map((id) => now.get(id!)!.folder)).toEqual(['Archive', 'Archive', 'Junk', 'Junk']);
    } finally {
      await client.logout();
    }
  });
});

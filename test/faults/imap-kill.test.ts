import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryVault } from '../../electron/accounts/vault';
import { dbPathOf } from '../../electron/store/data-dir';
import { findFolderByPath } from '../../electron/store/folders';
import { openWriteDb } from '../../electron/store/open';
import { listPendingOperations } from '../../electron/store/operation-queue';
import { acquireWriterLock } from '../../electron/store/writer-lock';
import { SyncRuntime } from '../../electron/sync/sync-runtime';
import { createActionWrites } from '../../electron/sync/writes/action-writes';
import { createOrganiseWrites } from '../../electron/sync/writes/organise-writes';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';
import { runCli } from '../helpers/cli';
import { runCliUntilKilled } from '../helpers/cli-child';
import { largeMessage } from '../helpers/fault-mailbox';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, secondClient, serverState, sha256, storeState } from '../helpers/imap-sync';
import { seededRandom } from '../helpers/seeded-random';

/**
 * SIGKILL of `homing sync` (the built CLI, a separate process; its worker thread dies with it) at random
 * moments after it logged in, while it replays offline actions queued while the server was down (mark
 * read/unread, flag, move between INBOX, Archive and folders made here, delete to Trash, delete from Trash
 * for good, folders created, renamed and deleted, and undo of any of these, of this round or of one the
 * server has applied already) and downloads new mail. After every kill: no message lost on the server,
 * the store passes integrity_check. After a final run: the server holds exactly what the actions say,
 * each applied once (a move replayed twice would leave two copies, a toggle replayed out of order the
 * wrong flag, a CREATE or RENAME twice a refused operation), every message once, exactly the folders the
 * actions made, and the store equals the server.
 */

/** HOMING_FAULT_KILLS raises it for a longer hunt (the default keeps the suite within its time budget). */
const KILLS = Number(process.env.HOMING_FAULT_KILLS ?? 10);
const MAX_ROUNDS = 2 * KILLS;
/**
 * HOMING_FAULT_IMAP_PLAIN=1: a Dovecot without MOVE and UIDPLUS, so moves are COPY + STORE + EXPUNGE and
 * moved rows learn their UIDs by a lookup in the target (replay-pending.ts), for a hunt of that path.
 */
const PLAIN_CAPABILITIES =
  'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ SORT MULTIAPPEND UNSELECT CHILDREN NAMESPACE LIST-EXTENDED I18NLEVEL=1 ESEARCH SPECIAL-USE';
/** At least 100 offline actions over the test at the default number of kills. */
const ACTIONS_PER_ROUND = Math.max(6, Math.ceil(100 / KILLS));
/** The folders every account here has; the others are made by the test's actions. */
const STANDARD = ['INBOX', 'Archive', 'Trash', 'Drafts', 'Sent', 'Junk'];
const NEW_PER_ROUND = 6;

interface Expected {
  folder: string;
  seen: boolean;
  flagged: boolean;
}

const bare = (id: string | null) => (id ?? '').replace(/^<|>$/g, '');
const messageIdOf = (raw: Buffer) => bare(/^Message-ID: *(<[^>]+>)/im.exec(raw.toString('latin1'))?.[1] ?? null);

describe('IMAP: SIGKILL of homing sync with offline actions pending', () => {
  let server: DovecotServer;
  /** Between the CLI and Dovecot: refusing connections is the server being down (a Dovecot stop takes seconds here). */
  let proxy: FaultProxy;
  let dataDir: string;
  /** Message-ID → what the server must end up with. Absent: deleted for good. */
  const model = new Map<string, Expected>();
  /** The folders the actions made (renamed, deleted), as the server must end up with them. */
  let made = new Set<string>();
  let folderSerial = 0;
  /** What was done to folders, and every undo, in order (for the message of a failure). */
  const folderLog: string[] = [];
  /**
   * The actions that can be undone, newest last, each with the model from before it. An undo takes back
   * the newest: the model goes back to that state for the messages it had (mail delivered since stays).
   * A delete for good cannot be undone and ends what can be (undo would skip over it).
   */
  let undoable: Array<{ id: number; model: Map<string, Expected>; made: Set<string>; kind: string }> = [];
  const snapshot = () => ({ model: new Map([...model].map(([id, e]) => [id, { ...e }])), made: new Set(made) });
  /** Message-ID → SHA-256 of the delivered bytes. */
  const hashes = new Map<string, string>();
  let serial = 0;

  const deliver = async (count: number, folder = 'INBOX', flags: string[] = []) => {
    const items = Array.from({ length: count }, (_, i) => {
      const n = serial++;
      // One large message per batch: the body phase has something to be killed in.
      const raw = i === 0 ? largeMessage(5000 + n, 120) : corpusMessage(5000 + n, { subject: `kill test ${n}` });
      const id = messageIdOf(raw);
      hashes.set(id, sha256(raw));
      model.set(id, { folder, seen: flags.includes('\\Seen'), flagged: flags.includes('\\Flagged') });
      return { folder, raw, flags };
    });
    await deliverMany(server, 'alice', items);
  };

  beforeAll(async () => {
    server = await startDovecot(process.env.HOMING_FAULT_IMAP_PLAIN === '1' ? { extraConfig: PLAIN_CAPABILITIES } : {});
    await deliver(20);
    await deliver(6, 'Archive', ['\\Seen']);
    await deliver(3, 'Trash');
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
    dataDir = mkdtempSync(join(tmpdir(), 'homing-imap-kill-'));
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(proxy.port), '--security', 'tls', '--username', 'alice', '--password-env', 'HOMING_PW',
        '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { HOMING_PW: 'alice-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    const first = await runCli(['--data-dir', dataDir, 'sync']);
    expect(first.status, first.stderr).toBe(0);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Opens the data directory as the app would (taking over the killed run's lock) for `work`. */
  const withStore = async <T>(work: (store: ReturnType<typeof openStore>) => T | Promise<T>): Promise<T> => {
    const release = acquireWriterLock(dataDir);
    const store = openStore();
    try {
      return await work(store);
    } finally {
      store.db.sqlite.close();
      release();
    }
  };
  const openStore = () => {
    const db = openWriteDb(dbPathOf(dataDir));
    const writer = { db, dataDir, vault: new MemoryVault(), shutdown: new AbortController().signal, emit: () => undefined };
    const accountId = (db.sqlite.prepare(`SELECT id FROM accounts WHERE protocol = 'imap'`).get() as { id: string }).id;
    const runtime = new SyncRuntime(writer);
    return { db, accountId, actions: createActionWrites(writer, runtime), organise: createOrganiseWrites(writer, runtime) };
  };

  /** Queues random actions on the store (the server is down), and says in the model what they must do. */
  const history = new Map<string, string[]>();
  const queueActions = async (random: ReturnType<typeof seededRandom>, round: number): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    await withStore(async ({ db, accountId, actions, organise }) => {
      const folderId = (path: string) => {
        const folder = findFolderByPath(db, accountId, path);
        expect(folder && !folder.deletedLocally, `seed ${random.seed}: the folder ${path} is in the store`).toBeTruthy();
        return folder!.id;
      };
      const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);
      /** Records an action that can be undone (taken before it: the model as it was). */
      const remember = (entry: { id: number } | null, before: ReturnType<typeof snapshot>, kind: string) => {
        expect(entry, `seed ${random.seed}: ${kind} answers its undo entry`).not.toBeNull();
        undoable.push({ id: entry!.id, ...before, kind });
      };
      for (let n = 0; n < ACTIONS_PER_ROUND; n++) {
        const folderKind = random.next();
        // About one action in four on folders, one in eight an undo.
        if (folderKind < 0.125 && undoable.length > 0) {
          const last = undoable.pop()!;
          const { undone } = await organise.undo({});
          expect(undone.id, `seed ${random.seed}: undo takes back the newest action`).toBe(last.id);
          for (const [id, expected] of last.model) if (model.has(id)) model.set(id, expected);
          made = last.made;
          folderLog.push(`${round}: undo ${last.kind} ${last.id} -> folders ${[...made].join(',')}`);
          count(`undo ${last.kind}`);
          continue;
        }
        if (folderKind < 0.375) {
          const mine = [...made].sort();
          const choice = mine.length === 0 ? 'create' : random.pick(['create', 'rename', 'delete'] as const);
          const before = snapshot();
          if (choice === 'create') {
            const name = `Kept ${folderSerial++}`;
            const { undo } = await organise.createFolder({ accountId, parentId: null, name });
            made.add(name);
            folderLog.push(`${round}: create ${name} (${undo?.id})`);
            remember(undo, before, 'folder-create');
          } else if (choice === 'rename') {
            const from = random.pick(mine);
            const to = `Kept ${folderSerial++}`;
            const { undo } = await organise.renameFolder({ folderId: folderId(from), name: to });
            made.delete(from);
            made.add(to);
            for (const expected of model.values()) if (expected.folder === from) expected.folder = to;
            folderLog.push(`${round}: rename ${from} -> ${to} (${undo?.id})`);
            remember(undo, before, 'folder-rename');
          } else {
            const path = random.pick(mine);
            try {
              const { undo, movedToTrash } = await organise.deleteFolder({ folderId: folderId(path), confirm: true });
              made.delete(path);
              let moved = 0;
              for (const expected of model.values()) {
                if (expected.folder !== path) continue;
                expected.folder = 'Trash';
                moved++;
              }
              expect(movedToTrash).toBe(moved);
              folderLog.push(`${round}: delete ${path} (${undo?.id}, ${movedToTrash} to Trash)`);
              remember(undo, before, 'folder-delete');
            } catch (error) {
              // A folder whose changes still wait for the server is not deleted (nothing changed).
              expect((error as { code?: string }).code, `seed ${random.seed}: ${String(error)}`).toBe('FOLDER_BUSY');
              count('folder-delete refused while busy');
              continue;
            }
          }
          count(`folder-${choice}`);
          continue;
        }
        const rows = db.sqlite
          .prepare(
            `SELECT m.id, m.message_id AS messageId, f.path AS folder, m.seen, m.flagged, m.uid FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.account_id = ? AND m.deleted_locally = 0 AND f.deleted_locally = 0 AND f.path NOT IN ('Drafts', 'Sent', 'Junk') ORDER BY m.id`,
          )
          .all(accountId) as Array<{ id: number; messageId: string | null; folder: string; seen: number; flagged: number; uid: number | null }>;
        const row = random.pick(rows);
        const id = bare(row.messageId);
        const expected = model.get(id)!;
        expect(expected, `model entry for ${id}`).toBeDefined();
        expect(
          { folder: row.folder, seen: row.seen === 1, flagged: row.flagged === 1 },
          `seed ${random.seed}: the store agrees with the model for ${id}; history ${JSON.stringify(history.get(id))}; ` +
            `pending ${JSON.stringify(listPendingOperations(db, accountId).map((o) => ({ kind: o.kind, state: o.state })))}`,
        ).toEqual(expected);
        // A row without a UID was moved locally and its move may already have reached the server before a
        // kill: a second move or delete of it waits for that one (imap-move-crash.test.ts), any action goes.
        const kind = random.pick(['seen', 'flag', 'move', 'delete'] as const);
        history.set(id, [...(history.get(id) ?? []), `${round}:${kind}:${row.folder}`]);
        const before = snapshot();
        if (kind === 'seen') {
          const { undo } = await actions.markMessages({ ids: [row.id], seen: !expected.seen });
          expected.seen = !expected.seen;
          remember(undo, before, 'mark');
        } else if (kind === 'flag') {
          const { undo } = await actions.markMessages({ ids: [row.id], flagged: !expected.flagged });
          expected.flagged = !expected.flagged;
          remember(undo, before, 'mark');
        } else if (kind === 'move') {
          const to = random.pick(['INBOX', 'Archive', ...made].filter((f) => f !== row.folder));
          const { undo } = await actions.moveMessages({ ids: [row.id], toFolderId: folderId(to) });
          expected.folder = to;
          remember(undo, before, 'move');
        } else if (row.folder === 'Trash') {
          // Deleted from Trash: gone for good (it asks first in the window; it cannot be undone).
          await organise.deleteMessagesPermanently({ ids: [row.id], confirm: true });
          model.delete(id);
          undoable = [];
        } else {
          const { undo } = await actions.deleteMessages({ ids: [row.id] });
          expected.folder = 'Trash';
          remember(undo, before, 'delete');
        }
        count(kind === 'delete' && row.folder === 'Trash' ? 'delete for good' : kind);
      }
    });
    return counts;
  };

  /** Per Message-ID, where the server has it (a list: two entries mean a doubled message). Envelopes and flags only. */
  const serverPlaces = async () => {
    const client = await secondClient(server);
    const places = new Map<string, Array<{ folder: string; seen: boolean; flagged: boolean }>>();
    try {
      for (const folder of await client.list()) {
        const path = folder.path.toUpperCase() === 'INBOX' ? 'INBOX' : folder.path;
        const lock = await client.getMailboxLock(folder.path, { readOnly: true });
        try {
          if (!client.mailbox || client.mailbox.exists === 0) continue;
          for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true })) {
            const id = bare(m.envelope?.messageId ?? null);
            expect(hashes.has(id), `an unknown message on the server in ${path}: ${id}`).toBe(true);
            places.set(id, [...(places.get(id) ?? []), { folder: path, seen: m.flags?.has('\\Seen') ?? false, flagged: m.flags?.has('\\Flagged') ?? false }]);
          }
        } finally {
          lock.release();
        }
      }
      return places;
    } finally {
      await client.logout().catch(() => client.close());
    }
  };

  it(`survives ${KILLS} SIGKILLs while replaying actions and downloading: every action applied once, nothing lost or doubled`, { timeout: 60_000 + KILLS * 20_000 }, async () => {
    const random = seededRandom();
    const log: string[] = [];
    const actionCounts: Record<string, number> = {};
    let kills = 0;
    let rounds = 0;
    // From the login to the end of a run, learnt from runs that ended by themselves (start: a guess).
    let loginToEnd = 1500;
    while (kills < KILLS && rounds < MAX_ROUNDS) {
      rounds++;
      const roundStart = performance.now();
      await proxy.refuse();
      for (const [kind, n] of Object.entries(await queueActions(random, rounds))) actionCounts[kind] = (actionCounts[kind] ?? 0) + n;
      await deliver(NEW_PER_ROUND);
      if (rounds === 1) {
        // While the server is down a pass fails with a clear code and keeps every queued action.
        const queued = await withStore(({ db, accountId }) => listPendingOperations(db, accountId));
        expect(queued.length).toBeGreaterThan(0);
        const down = await runCli(['--data-dir', dataDir, 'sync']);
        expect(down.status).toBe(1);
        expect(down.stderr).toMatch(/CONNECTION_REFUSED/);
        await withStore(({ db, accountId }) => expect(listPendingOperations(db, accountId)).toEqual(queued));
      }
      await proxy.accept();
      // Every other moment falls in the first 300 ms after the login, where the queued actions are replayed
      // (one round trip each); the rest anywhere up to the end of a run (headers, bodies, commits, logout).
      const at = random.next() * (rounds % 2 === 1 ? Math.min(300, loginToEnd) : loginToEnd);
      const run = await runCliUntilKilled(['--data-dir', dataDir, 'sync'], {
        serverDir: server.dir,
        user: 'alice',
        killNow: (elapsed, login) => login !== null && elapsed - login >= at,
      });
      if (!run.killed) {
        expect(run.exitCode, run.stderr).toBe(0);
        if (run.login !== null) loginToEnd = Math.max(50, run.ended - run.login);
        log.push(`round ${rounds}: ended by itself before ${Math.round(at)} ms after login`);
        continue;
      }
      kills++;
      // Nothing lost on the server: every message the model still has is somewhere.
      const places = await serverPlaces();
      const lost = [...model.keys()].filter((id) => !places.has(id));
      expect(lost, `kill ${kills}: messages gone from the server`).toEqual([]);
      const { integrity, left } = await withStore(({ db, accountId }) => ({
        integrity: db.sqlite.pragma('integrity_check', { simple: true }),
        left: listPendingOperations(db, accountId).length,
      }));
      expect(integrity).toBe('ok');
      log.push(
        `kill ${kills} (round ${rounds}): login ${Math.round(run.login!)} ms after spawn, killed ${Math.round(run.ended - run.login!)} ms later, ` +
          `${left} of the queued actions not yet replayed; round took ${Math.round(performance.now() - roundStart)} ms`,
      );
    }

    const final = await runCli(['--data-dir', dataDir, 'sync']);
    expect(final.status, `seed ${random.seed}: ${final.stderr}`).toBe(0);
    const places = await serverPlaces();
    const doubled = [...places].filter(([, list]) => list.length > 1).map(([id, list]) => `${id} in ${list.map((p) => p.folder).join(', ')}`);
    expect(doubled, `seed ${random.seed}: messages on the server twice`).toEqual([]);
    const actual = new Map([...places].map(([id, [place]]) => [id, place!]));
    const histories = Object.fromEntries([...model.keys()].filter((id) => JSON.stringify(actual.get(id)) !== JSON.stringify(model.get(id))).map((id) => [id, history.get(id)]));
    const pending = await withStore(({ db, accountId }) => listPendingOperations(db, accountId).map((o) => ({ kind: o.kind, state: o.state, error: o.error?.message })));
    // The store's rows of the differing messages (a second row, a missing UID or a stale flag says which step lost the action).
    const rowsOf = await withStore(({ db }) =>
      Object.keys(histories).map((id) =>
        db.sqlite
          .prepare(`SELECT m.id, f.path AS folder, m.uid, m.seen, m.flagged, m.deleted_locally AS hidden FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.message_id IN (?, ?)`)
          .all(id, `<${id}>`),
      ),
    );
    expect(
      Object.fromEntries(actual),
      `seed ${random.seed}: the server as the actions say; histories of the differing ${JSON.stringify(histories)}; their rows ${JSON.stringify(rowsOf)}; pending ${JSON.stringify(pending)}; ${log.join(' | ')}`,
    ).toEqual(
      Object.fromEntries(model),
    );
    // Every byte: the store equals the server (folders, UIDs, flags, SHA-256 of each message), and the
    // server's bytes are what was delivered.
    const other = await secondClient(server);
    const folders = (await other.list()).map((f) => f.path).filter((p) => !STANDARD.includes(p));
    const state = await serverState(other).finally(() => other.logout().catch(() => other.close()));
    const inStore = await withStore(({ db, accountId }) => ({
      folders: db.sqlite.prepare('SELECT path, deleted_locally AS hidden FROM folders WHERE account_id = ? ORDER BY path').all(accountId),
      pending: listPendingOperations(db, accountId).map((o) => ({ kind: o.kind, state: o.state, error: o.error?.message })),
    }));
    expect(
      folders.sort(),
      `seed ${random.seed}: the server's folders are the ones the actions made; folder actions ${folderLog.join(' | ')}; store ${JSON.stringify(inStore)}; ${log.join(' | ')}`,
    ).toEqual([...made].sort());
    const delivered = new Set(hashes.values());
    expect(Object.values(state).flat().filter((m) => !delivered.has(m.hash)), 'bytes on the server that were never delivered').toEqual([]);
    await withStore(({ db, accountId }) => {
      expect(listPendingOperations(db, accountId), `seed ${random.seed}: operations left or refused; folder actions ${folderLog.join(' | ')}; ${log.join(' | ')}`).toEqual([]);
      expect(storeState(db, accountId)).toEqual(state);
    });
    console.log(
      [
        `IMAP kill test (seed ${random.seed}): ${kills} SIGKILLs over ${rounds} runs of \`homing sync\`; ` +
          `${Object.values(actionCounts).reduce((a, b) => a + b, 0)} offline actions ${JSON.stringify(actionCounts)}; ` +
          `${serial} messages delivered, ${model.size} checked on the server and in the store`,
        ...log,
      ].join('\n'),
    );
    expect(kills).toBe(KILLS);
  });
});

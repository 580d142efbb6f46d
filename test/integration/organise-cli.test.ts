import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { runCli } from '../helpers/cli';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, secondClient } from '../helpers/imap-sync';

/**
 * The command line's folder, tag, undo and Trash commands on an IMAP account on Dovecot: each changes the
 * store at once and reaches the server with the next `homing sync`.
 */
describe('homing folder / tag / undo / trash empty', () => {
  let server: DovecotServer;
  let dataDir: string;
  let accountId: string;
  const homing = async (...args: string[]) => {
    const result = await runCli(['--data-dir', dataDir, ...args], { env: { HOMING_PW: 'alice-secret' } });
    return result;
  };
  const ok = async (...args: string[]) => {
    const result = await homing(...args);
    expect(result.status, `homing ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const idsIn = async (path: string) =>
    (JSON.parse(await ok('list', '--account', accountId, '--folder', path, '--json')) as Array<{ id: number; subject: string }>).map((m) => m.id);
  const onServer = async () => {
    const client = await secondClient(server);
    try {
      const folders = (await client.list()).map((f) => f.path);
      const counts: Record<string, number> = {};
      for (const path of folders) {
        const status = await client.status(path, { messages: true });
        counts[path] = status ? (status.messages ?? 0) : 0;
      }
      return counts;
    } finally {
      await client.logout();
    }
  };

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(
      server,
      'alice',
      Array.from({ length: 3 }, (_, i) => ({ raw: corpusMessage(i) })),
    );
    dataDir = mkdtempSync(join(tmpdir(), 'homing-organise-cli-'));
    accountId = (
      await ok(
        ...['account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(server.ports.imaps)],
        ...['--security', 'tls', '--username', 'alice', '--password-env', 'HOMING_PW', '--trust-fingerprint', server.certificate.fingerprint256],
      )
    ).trim();
    await ok('sync');
  });
  afterAll(async () => {
    await server?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates, renames and deletes folders, tags, undoes and empties the Trash; the server follows', async () => {
    expect(await ok('folder', 'create', '--account', accountId, 'Projects')).toMatch(/^\d+ {2}Projects\n$/);
    expect(await ok('folder', 'create', '--account', accountId, 'Projects/2024')).toMatch(/ {2}Projects\/2024\n$/);
    const [first, second, third] = await idsIn('INBOX');
    await ok('move', String(first), String(second), '--to', 'Projects/2024');
    await ok('tag', String(first), '--add', 'Work', '--add', 'Urgent now');
    expect(await ok('folder', 'rename', '--account', accountId, 'Projects', 'Work')).toMatch(/ {2}Work\n$/);
    expect((await idsIn('Work/2024')).sort()).toEqual([first!, second!].sort());

    await ok('delete', String(third));
    expect(await ok('undo')).toBe('undone: Deleted 1 message. (1 put back)\n');
    expect(await idsIn('INBOX')).toEqual([third]);
    await ok('sync');
    let server1 = await onServer();
    expect(server1).toMatchObject({ 'Work/2024': 2, INBOX: 1 });
    expect(server1.Projects).toBeUndefined();
    const client = await secondClient(server);
    try {
      await client.mailboxOpen('Work/2024');
      const flags: string[][] = [];
      for await (const m of client.fetch('1:*', { flags: true })) flags.push([...(m.flags ?? [])].sort());
      expect(flags).toContainEqual(expect.arrayContaining(['$label2', 'Urgent_now']));
    } finally {
      await client.logout();
    }

    // Asks first: without a terminal and without --yes nothing is deleted.
    const refused = await homing('folder', 'delete', '--account', accountId, 'Work');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/CANCELLED/);
    expect(await ok('folder', 'delete', '--account', accountId, 'Work', '--yes')).toBe('deleted Work; 2 messages moved to the Trash\n');
    expect(await ok('trash', 'empty', '--account', accountId, '--yes')).toBe('2 messages removed\n');
    await ok('sync');
    server1 = await onServer();
    expect(server1).toMatchObject({ INBOX: 1, Trash: 0 });
    expect(Object.keys(server1).filter((p) => p.startsWith('Work'))).toEqual([]);
  });

  it('undo of a delete after the Trash was emptied leaves mail that arrived since where it is (ids are never reused)', async () => {
    // The newest message is filed, deleted, and removed for good with the Trash.
    await ok('folder', 'create', '--account', accountId, 'Filed');
    const newest = Math.max(...(JSON.parse(await ok('list', '--json')) as Array<{ id: number }>).map((m) => m.id));
    await ok('move', String(newest), '--to', 'Filed');
    await ok('delete', String(newest));
    expect(await ok('trash', 'empty', '--account', accountId, '--yes')).toBe('1 message removed\n');
    await ok('sync');
    // New mail arrives and is stored. It took the deleted message's id, so undo moved it to Filed, unseen.
    await server.deliver('alice', 'From: b@example.org\r\nSubject: just arrived\r\nMessage-ID: <arrived@homing.test>\r\n\r\nHi.\r\n');
    await ok('sync');
    const arrived = (JSON.parse(await ok('list', '--account', accountId, '--folder', 'INBOX', '--json')) as Array<{ id: number; subject: string }>).find(
      (m) => m.subject === 'just arrived',
    )!;
    expect(arrived.id).toBeGreaterThan(newest);
    const undone = await homing('undo');
    expect(undone).toMatchObject({ status: 1, stdout: '' });
    expect(undone.stderr).toMatch(/^homing: MESSAGE_GONE: /);
    expect(await idsIn('INBOX')).toContain(arrived.id);
    expect(await idsIn('Filed')).toEqual([]);
  });

  it('undo of a move after another client deleted the message from its new folder: reported, not a silent vanishing', async () => {
    await ok('folder', 'create', '--account', accountId, 'Elsewhere');
    const [first] = await idsIn('INBOX');
    await ok('move', String(first), '--to', 'Elsewhere');
    await ok('sync');
    const client = await secondClient(server);
    try {
      await client.mailboxOpen('Elsewhere');
      await client.messageDelete('1:*');
    } finally {
      await client.logout();
    }
    // Taken back here at once (the server is asked at the next sync).
    expect(await ok('undo')).toBe('undone: Moved 1 message to Elsewhere. (1 put back)\n');
    const synced = await homing('sync');
    expect(synced.status).toBe(0);
    // It went without a word: the refusal was dropped with the row.
    expect(synced.stderr).toContain(`homing: warning: MESSAGE_GONE: ${accountId}: A message was deleted on the server meanwhile, so it could not be moved to INBOX.`);
    const pending = JSON.parse(await ok('pending', '--refused', '--json')) as Array<{ id: number; error: { code: string } }>;
    expect(pending).toMatchObject([{ error: { code: 'MESSAGE_GONE' } }]);
    expect(await idsIn('INBOX')).not.toContain(first);
    await ok('pending', 'discard', String(pending[0]!.id));
    expect(await homing('sync')).toMatchObject({ status: 0, stderr: `${accountId}: synced, 0 new\n` });
  });
});

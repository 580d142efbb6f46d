import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { type DovecotServer, maildirFolder, startDovecot } from '../servers/dovecot';
import { secondClient } from '../helpers/imap-sync';

/**
 * A change made with the CLI that the server refuses when it is replayed. Found by moving a message (Cyrus,
 * the server unreachable) into a folder another client deleted before the server came back: the message
 * went back to INBOX, `homing sync` said "synced, 0 new" with exit 0, and nothing told the user the move
 * had not happened.
 */
describe('homing sync reports a change the server refused', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot({
      users: [{ name: 'alice', password: 'alice-secret' }, { name: 'bob', password: 'bob-secret' }],
      // A mailbox quota (bob's fills up below): APPEND beyond it is refused.
      extraConfig: 'mail_plugins = $mail_plugins quota\nplugin {\n  quota = maildir:User quota\n  quota_rule = *:storage=300K\n}\n',
    });
    await server.deliver('alice', 'From: a@example.org\r\nSubject: to move\r\nMessage-ID: <move@homing.test>\r\n\r\nBody.\r\n');
    await server.deliver('alice', 'From: a@example.org\r\nSubject: filed\r\nMessage-ID: <filed@homing.test>\r\n\r\nBody.\r\n', { folder: 'Projects' });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('a move queued offline into a folder deleted meanwhile: a warning with the reason, once; exit 0', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'homing-refused-')), 'data');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(server.ports.imaps),
        '--security', 'tls', '--username', 'alice', '--password-env', 'PW', '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { PW: 'alice-secret' } },
    );
    expect(added.status).toBe(0);
    const id = added.stdout.trim();
    expect(await runCli(['--data-dir', dataDir, 'sync'])).toMatchObject({ status: 0, stderr: `${id}: synced, 2 new\n` });
    const inbox = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--folder', 'INBOX', '--json'])).stdout) as Array<{ id: number }>;

    await server.stop();
    expect(await runCli(['--data-dir', dataDir, 'move', String(inbox[0]!.id), '--to', 'Projects'])).toMatchObject({ status: 0 });
    rmSync(maildirFolder(server.maildir('alice'), 'Projects'), { recursive: true, force: true });
    await server.start();

    const synced = await runCli(['--data-dir', dataDir, 'sync']);
    expect(synced.status).toBe(0);
    const [refused] = JSON.parse((await runCli(['--data-dir', dataDir, 'pending', '--json'])).stdout) as Array<{ id: number; kind: string; state: string; messageIds: number[] }>;
    expect(refused).toMatchObject({ kind: 'move', state: 'refused', messageIds: [inbox[0]!.id] });
    expect(synced.stderr).toContain(
      `homing: warning: OPERATION_REFUSED: ${id}: The server refused to move the messages to Projects: it has no such folder. (to discard it: homing pending discard ${refused!.id})\n`,
    );
    const again = await runCli(['--data-dir', dataDir, 'sync']);
    expect(again).toMatchObject({ status: 0, stderr: `${id}: synced, 0 new\n` });

    // homing pending lists it with its message and the server's words; discard drops it.
    const listed = await runCli(['--data-dir', dataDir, 'pending']);
    expect(listed).toMatchObject({ status: 0 });
    expect(listed.stdout).toBe(`${refused!.id}  refused  ${id}  move  1 message “to move”  OPERATION_REFUSED: The server refused to move the messages to Projects: it has no such folder.\n`);
    expect(listed.stderr).toContain('homing pending discard ID');
    expect(await runCli(['--data-dir', dataDir, 'pending', 'discard', 'x'])).toMatchObject({ status: 2, stderr: 'homing: INVALID_ARGUMENT: not a change id: x\n' });
    expect(await runCli(['--data-dir', dataDir, 'pending', 'discard', String(refused!.id)])).toMatchObject({ status: 0, stdout: '', stderr: 'Discarded 1 change.\n' });
    expect(await runCli(['--data-dir', dataDir, 'pending'])).toMatchObject({ status: 0, stdout: 'No change waits for a server.\n' });
    expect(await runCli(['--data-dir', dataDir, 'pending', '--json'])).toMatchObject({ status: 0, stdout: '[]\n' });
    // The message is where the server has it, with nothing waiting.
    const back = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--folder', 'INBOX', '--json'])).stdout) as Array<{ id: number; subject: string; pendingState: string | null }>;
    expect(back.filter((m) => m.subject === 'to move')).toMatchObject([{ pendingState: null }]);
    expect(await runCli(['--data-dir', dataDir, 'sync'])).toMatchObject({ status: 0, stderr: `${id}: synced, 0 new\n` });
  });

  it('pending discard --all: a move to another account refused by its quota goes with its refused removal, and both are gone', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'homing-discard-all-')), 'data');
    const add = async (user: string) => {
      const added = await runCli(
        ['--data-dir', dataDir, 'account', 'add', '--email', `${user}@example.org`, '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(server.ports.imaps),
          '--security', 'tls', '--username', user, '--password-env', 'PW', '--trust-fingerprint', server.certificate.fingerprint256],
        { env: { PW: `${user}-secret` } },
      );
      expect(added.status, added.stderr).toBe(0);
      return added.stdout.trim();
    };
    const first = await add('alice');
    const second = await add('bob');
    await server.deliver('alice', `From: a@example.org\r\nSubject: too big for bob\r\nMessage-ID: <too-big@homing.test>\r\n\r\n${'x'.repeat(40_000)}\r\n`);
    // bob's mailbox is nearly full (290 of 300 KB).
    const bob = await secondClient(server, 'bob');
    try {
      await bob.append('INBOX', Buffer.from(`From: a@example.org\r\nSubject: filler\r\n\r\n${'y'.repeat(290_000)}\r\n`));
    } finally {
      await bob.logout();
    }
    expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);
    const inbox = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--account', first, '--folder', 'INBOX', '--json'])).stdout) as Array<{ id: number; subject: string }>;
    const big = inbox.find((m) => m.subject === 'too big for bob')!;
    expect(await runCli(['--data-dir', dataDir, 'move', String(big.id), '--to', 'INBOX', '--to-account', second])).toMatchObject({ status: 0 });
    expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);
    const refused = JSON.parse((await runCli(['--data-dir', dataDir, 'pending', '--refused', '--json'])).stdout) as Array<{ kind: string; messageIds: number[] }>;
    expect(refused.map((op) => [op.kind, op.messageIds])).toEqual([
      ['append', [big.id]],
      ['expunge', [big.id]],
    ]);
    // The upload's discard takes the removal with it: --all must not then fail on it (it was NOT_FOUND, exit 1).
    expect(await runCli(['--data-dir', dataDir, 'pending', 'discard', '--all'])).toMatchObject({ status: 0, stderr: 'Discarded 1 change.\n' });
    expect(await runCli(['--data-dir', dataDir, 'pending', '--json'])).toMatchObject({ stdout: '[]\n' });
    const back = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--account', first, '--folder', 'INBOX', '--json'])).stdout) as Array<{ id: number }>;
    expect(back.map((m) => m.id)).toContain(big.id);
  });

  it('pending: a change still waiting for the server is listed as queued and cannot be discarded', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'homing-pending-')), 'data');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(server.ports.imaps),
        '--security', 'tls', '--username', 'alice', '--password-env', 'PW', '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { PW: 'alice-secret' } },
    );
    const id = added.stdout.trim();
    expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);
    const inbox = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--folder', 'INBOX', '--json'])).stdout) as Array<{ id: number; subject: string }>;
    await server.stop();
    try {
      expect(await runCli(['--data-dir', dataDir, 'mark', ...inbox.map((m) => String(m.id)), '--flag'])).toMatchObject({ status: 0 });
      const listed = await runCli(['--data-dir', dataDir, 'pending']);
      // The first two messages the change names, in its own order (which ids a sync gives is not the list's order).
      const [change] = JSON.parse((await runCli(['--data-dir', dataDir, 'pending', '--json'])).stdout) as Array<{ messageIds: number[] }>;
      const subjectOf = new Map(inbox.map((m) => [m.id, m.subject]));
      const subjects = change!.messageIds.slice(0, 2).map((m) => `“${subjectOf.get(m)}”`).join(', ');
      const more = inbox.length > 2 ? ', …' : '';
      expect(listed).toMatchObject({ status: 0, stderr: '' });
      expect(listed.stdout).toMatch(new RegExp(`^\\d+  queued   ${id}  mark  ${inbox.length} messages? `));
      expect(listed.stdout).toContain(`${subjects}${more}\n`);
      expect(await runCli(['--data-dir', dataDir, 'pending', '--refused'])).toMatchObject({ status: 0, stdout: 'No change was refused.\n' });
      const [queued] = JSON.parse((await runCli(['--data-dir', dataDir, 'pending', '--json'])).stdout) as Array<{ id: number; state: string }>;
      expect(queued).toMatchObject({ state: 'queued' });
      const refusedDiscard = await runCli(['--data-dir', dataDir, 'pending', 'discard', String(queued!.id)]);
      expect(refusedDiscard).toMatchObject({ status: 2 });
      expect(refusedDiscard.stderr).toMatch(/^homing: INVALID_ARGUMENT: Only a change the server refused can be discarded/);
      expect(await runCli(['--data-dir', dataDir, 'pending', 'discard', '--all'])).toMatchObject({ status: 0, stderr: 'Discarded 0 changes.\n' });
      expect(JSON.parse((await runCli(['--data-dir', dataDir, 'pending', '--json'])).stdout)).toHaveLength(1);
    } finally {
      await server.start();
    }
    expect(await runCli(['--data-dir', dataDir, 'sync'])).toMatchObject({ status: 0 });
    expect(await runCli(['--data-dir', dataDir, 'pending', '--json'])).toMatchObject({ stdout: '[]\n' });
  });

  it('a flag queued offline on a message of a folder another client deleted and made again with it: set there, nothing refused', async () => {
    await server.deliver('alice', 'From: a@example.org\r\nSubject: keep me\r\nMessage-ID: <keep@homing.test>\r\n\r\nBody.\r\n', { folder: 'Archive' });
    const dataDir = join(mkdtempSync(join(tmpdir(), 'homing-recreated-')), 'data');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(server.ports.imaps),
        '--security', 'tls', '--username', 'alice', '--password-env', 'PW', '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { PW: 'alice-secret' } },
    );
    const id = added.stdout.trim();
    expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);
    const listed = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--folder', 'Archive', '--json'])).stdout) as Array<{ id: number; uid: number }>;
    expect(listed).toHaveLength(1);

    await server.stop();
    expect(await runCli(['--data-dir', dataDir, 'mark', String(listed[0]!.id), '--read', '--flag'])).toMatchObject({ status: 0 });
    await server.start();
    // Another program deletes the folder and makes it again with the same message (a new UIDVALIDITY).
    const other = await secondClient(server);
    try {
      await other.mailboxDelete('Archive');
      await new Promise((r) => setTimeout(r, 1100)); // Dovecot derives UIDVALIDITY from the clock
      await other.mailboxCreate('Archive');
      await other.append('Archive', Buffer.from('From: a@example.org\r\nSubject: keep me\r\nMessage-ID: <keep@homing.test>\r\n\r\nBody.\r\n'), []);

      const synced = await runCli(['--data-dir', dataDir, 'sync']);
      // It was refused ('OPERATION_REFUSED: ... was recreated on the server') and the marks taken back.
      expect(synced).toMatchObject({ status: 0, stderr: `${id}: synced, 0 new\n` });
      const after = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--folder', 'Archive', '--json'])).stdout) as Array<{ id: number; uid: number; seen: boolean; flagged: boolean; pendingState: string | null }>;
      expect(after).toMatchObject([{ id: listed[0]!.id, seen: true, flagged: true, pendingState: null }]);
      await other.mailboxOpen('Archive');
      const onServer = await other.fetchOne(String(after[0]!.uid), { flags: true }, { uid: true });
      expect(onServer && [...(onServer.flags ?? [])].sort()).toEqual(['\\Flagged', '\\Seen']);
    } finally {
      await other.logout();
    }
  });
});

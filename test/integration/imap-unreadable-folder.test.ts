import { chmodSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Folder } from '../../shared/contract/messages';
import { runCli } from '../helpers/cli';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany } from '../helpers/imap-sync';
import { type DovecotServer, maildirFolder, startDovecot } from '../servers/dovecot';

/**
 * Folders the real Dovecot lists but refuses to open: `Ghost`, a Maildir++ folder that is a dangling
 * link (LIST shows it; EXAMINE answers "NO Mailbox doesn't exist: Ghost"), and `Locked`, a folder whose
 * directory the server may not read (EXAMINE answers "NO [SERVERBUG] Internal error occurred"). Every other
 * folder syncs, the account is synced, `homing sync` exits 0 with a warning naming each, and each keeps its
 * own error until a pass reads it.
 */
describe('IMAP: a folder the server lists but refuses to open (real Dovecot)', () => {
  let server: DovecotServer;
  let dir: string;
  let accountId: string;

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(server, 'alice', [
      { raw: corpusMessage(1) },
      { folder: 'Fine', raw: corpusMessage(2) },
      { folder: 'Fine', raw: corpusMessage(3) },
      { folder: 'Locked', raw: corpusMessage(4) },
    ]);
    symlinkSync('/nonexistent-homing-folder', join(server.maildir('alice'), '.Ghost'));
    chmodSync(maildirFolder(server.maildir('alice'), 'Locked'), 0o000);
    dir = mkdtempSync(join(tmpdir(), 'homing-unreadable-'));
    const added = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(server.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'PW',
        '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { PW: 'alice-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    accountId = added.stdout.trim();
  });
  afterAll(async () => {
    if (server) chmodSync(maildirFolder(server.maildir('alice'), 'Locked'), 0o700);
    await server?.destroy();
  });

  const folders = async () => JSON.parse((await runCli(['--data-dir', dir, 'folders', '--json'])).stdout) as Folder[];
  const byPath = (list: Folder[], path: string) => list.find((f) => f.path === path)!;

  it('syncs every other folder, exits 0 with a warning naming each, and marks each with the server\'s words', async () => {
    const synced = await runCli(['--data-dir', dir, 'sync']);
    expect(synced.status, synced.stderr).toBe(0);
    expect(synced.stderr).toContain(`${accountId}: synced, 3 new (2 folders could not be read)`);
    expect(synced.stderr).toMatch(new RegExp(`^homing: warning: FOLDER_UNREADABLE: ${accountId}: The server lists the folder Ghost but refuses to open it: Mailbox doesn't exist: Ghost`, 'm'));
    expect(synced.stderr).toMatch(new RegExp(`^homing: warning: FOLDER_UNREADABLE: ${accountId}: The server lists the folder Locked but refuses to open it: .*Internal error`, 'm'));

    const list = await folders();
    expect(byPath(list, 'INBOX')).toMatchObject({ total: 1, syncError: null });
    expect(byPath(list, 'Fine')).toMatchObject({ total: 2, syncError: null });
    expect(byPath(list, 'Ghost').syncError).toEqual({
      code: 'FOLDER_UNREADABLE',
      message: "The server lists the folder Ghost but refuses to open it: Mailbox doesn't exist: Ghost",
      serverText: "Mailbox doesn't exist: Ghost",
    });
    expect(byPath(list, 'Locked').syncError).toMatchObject({ code: 'FOLDER_UNREADABLE', serverText: expect.stringMatching(/Internal error/) });
    expect(byPath(list, 'Locked').total).toBe(0);
  });

  it('reads the folder once the server lets it, and drops its mark', async () => {
    chmodSync(maildirFolder(server.maildir('alice'), 'Locked'), 0o700);
    const synced = await runCli(['--data-dir', dir, 'sync']);
    expect(synced.status, synced.stderr).toBe(0);
    expect(synced.stderr).toContain(`${accountId}: synced, 1 new (1 folder could not be read)`);
    expect(synced.stderr).not.toContain('Locked');
    const list = await folders();
    expect(byPath(list, 'Locked')).toMatchObject({ total: 1, syncError: null });
    expect(byPath(list, 'Ghost').syncError?.serverText).toBe("Mailbox doesn't exist: Ghost");
  });
});

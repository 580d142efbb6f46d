import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopCli } from '../servers/interop-cli';
import { interopMatrix, type ServerKind } from '../servers/interop';
import { adminClient, type MailServer, serverPath } from '../servers/mail-server';

/**
 * A folder name the server will refuse is refused when the user gives it, not at the next sync. Dovecot
 * with Maildir++ storage and "/" between levels refuses "." in a name (it separates levels on disk:
 * "Character not allowed in mailbox name"); Courier ("." between levels) refuses "/" ("Invalid mailbox
 * name"); Cyrus takes both. They were accepted here, queued, then refused by the server and rolled back
 * at the next sync: a folder that appeared and vanished again, and a rule or a move made for it in
 * between lost. Dovecot's refusal is learned from the server itself (STATUS of a made-up name answers
 * NO [CANNOT]); a server with "." between levels refuses "/" by the separator alone.
 */
const refuses: Record<ServerKind, { name: string; character: string } | null> = {
  dovecot: { name: 'v1.2', character: '.' },
  courier: { name: 'x/y', character: '/' },
  cyrus: null,
};

describe.each(interopMatrix())('a folder name its server does not allow: %s', (kind) => {
  let server: MailServer;
  let accountId: string;
  const cli = interopCli();
  const { homing, ok } = cli;
  const paths = async () => (JSON.parse(await ok('folders', '--account', accountId, '--json')) as Array<{ path: string }>).map((f) => f.path);

  beforeAll(async () => {
    ({ server, accountId } = await cli.start(kind, 'folder-names'));
    await ok('sync');
    await ok('folder', 'create', '--account', accountId, 'Projects');
    await ok('sync');
  });
  afterAll(() => cli.stop());

  it('is refused at once by folder create and folder rename, and nothing is queued; other names still work', async () => {
    const refused = refuses[kind];
    const before = await paths();
    if (refused) {
      const created = await homing('folder', 'create', '--account', accountId, refused.name);
      expect(created.status).not.toBe(0);
      expect(created.stderr).toContain('INVALID_FOLDER_NAME');
      expect(created.stderr).toContain(`"${refused.character}"`);
      const renamed = await homing('folder', 'rename', '--account', accountId, serverPath(server, 'Projects'), refused.name);
      expect(renamed.status).not.toBe(0);
      expect(renamed.stderr).toContain('INVALID_FOLDER_NAME');
      expect(await paths()).toEqual(before);
      expect(JSON.parse(await ok('pending', '--json'))).toEqual([]);
    } else {
      // Cyrus takes "." and "/" is its separator: v1.2 is made, here and there.
      await ok('folder', 'create', '--account', accountId, 'v1.2');
      const sync = await homing('sync');
      expect(sync.status, sync.stderr).toBe(0);
      expect(sync.stderr).not.toContain('warning');
      expect(await paths()).toContain('v1.2');
    }
    // A name with neither is made on the server as before.
    await ok('folder', 'create', '--account', accountId, 'Plain name');
    const sync = await homing('sync');
    expect(sync.stderr).not.toContain('warning');
    const client = await adminClient(server, 'alice');
    try {
      expect((await client.list()).map((f) => f.path)).toContain(serverPath(server, 'Plain name'));
    } finally {
      await client.logout();
    }
  });
});

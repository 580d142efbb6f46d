import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopCli } from '../servers/interop-cli';
import { interopMatrix } from '../servers/interop';
import { adminClient, type MailServer, serverPath } from '../servers/mail-server';

const message = (i: number) => Buffer.from(`From: a@example.org\r\nSubject: note ${i}\r\nMessage-ID: <amp-${i}@homing.test>\r\n\r\nBody ${i}.\r\n`);

/**
 * Folder names with "&" (written "&-" in modified UTF-7, RFC 3501 section 5.1.3) and letters beyond ASCII,
 * made by another client and by the command line, on each server: each is listed under its own name,
 * keeps its id over passes, and holds its mail once.
 */
describe.each(interopMatrix())('folder names with & and beyond ASCII, through the command line: %s', (kind) => {
  let server: MailServer;
  let accountId: string;
  const cli = interopCli();
  const { homing, ok } = cli;
  const folders = async () => JSON.parse(await ok('folders', '--account', accountId, '--json')) as Array<{ id: number; path: string; name: string; total: number }>;

  beforeAll(async () => {
    ({ server, accountId } = await cli.start(kind, 'amp-folders', async (s) => {
      await s.append('alice', 'INBOX', [0, 1, 2].map((i) => ({ raw: message(i) })));
      await s.append('alice', 'Q&A', [3, 4].map((i) => ({ raw: message(i) })));
      await s.append('alice', 'R&D & Zürich', [5].map((i) => ({ raw: message(i) })));
    }));
  });
  afterAll(() => cli.stop());

  it('another client\'s folders, then one made here and mail moved into it, each once under its own name', async () => {
    const synced = await homing('sync');
    expect(synced.status, synced.stderr).toBe(0);
    expect(synced.stderr).toContain('6 new');
    const first = await folders();
    const qa = first.find((f) => f.path === serverPath(server, 'Q&A'));
    const rd = first.find((f) => f.path === serverPath(server, 'R&D & Zürich'));
    expect(qa).toMatchObject({ name: 'Q&A', total: 2 });
    expect(rd).toMatchObject({ name: 'R&D & Zürich', total: 1 });

    const path = serverPath(server, 'Ärger & Ölpreis');
    const made = await ok('folder', 'create', '--account', accountId, path);
    const madeId = Number(made.split(' ')[0]);
    const inbox = JSON.parse(await ok('list', '--account', accountId, '--folder', 'INBOX', '--json')) as Array<{ id: number }>;
    await ok('move', String(inbox[0]!.id), '--to', path);
    await ok('move', String(inbox[1]!.id), '--to', serverPath(server, 'Q&A'));
    expect((await homing('sync')).status).toBe(0);
    expect((await homing('sync')).stderr).not.toMatch(/[1-9]\d* new/);

    const after = await folders();
    expect(after.find((f) => f.id === madeId)).toMatchObject({ path, name: 'Ärger & Ölpreis', total: 1 });
    expect(after.find((f) => f.id === qa!.id)).toMatchObject({ total: 3 });
    expect(after.find((f) => f.id === rd!.id)).toMatchObject({ total: 1 });
    expect(after.filter((f) => /&/.test(f.path))).toHaveLength(3);
    const client = await adminClient(server, 'alice');
    try {
      const listed = (await client.list()).map((f) => f.path);
      expect(listed).toContain(path);
      expect(await client.status(path, { messages: true })).toMatchObject({ messages: 1 });
      expect(await client.status(serverPath(server, 'Q&A'), { messages: true })).toMatchObject({ messages: 3 });
    } finally {
      await client.logout();
    }
  });
});

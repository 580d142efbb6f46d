import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopCli } from '../servers/interop-cli';
import { interopMatrix } from '../servers/interop';
import { adminClient, type MailServer, serverPath } from '../servers/mail-server';

const message = (i: number) => Buffer.from(`From: a@example.org\r\nSubject: note ${i}\r\nMessage-ID: <note-${i}@homing.test>\r\n\r\nBody ${i}.\r\n`);

/**
 * Folders made with the command line on an account that has none yet, on each server. Courier keeps every
 * folder under INBOX (personal namespace `INBOX.`, "." between levels): a folder made at the top was made
 * by the server as INBOX.Name while the store had Name, so the next sync replaced its row with a new id;
 * a rule made for it then moved mail to whichever folder took the old id (the Trash, made on demand in
 * the same pass), and undo lost its way. Found making a first folder and a rule on a new Courier account.
 */
describe.each(interopMatrix())('a first folder made here, with a rule and mail moved into it: %s', (kind) => {
  let server: MailServer;
  let accountId: string;
  const cli = interopCli();
  const { ok } = cli;
  const folders = async () => JSON.parse(await ok('folders', '--account', accountId, '--json')) as Array<{ id: number; path: string; total: number }>;

  beforeAll(async () => {
    ({ server, accountId } = await cli.start(kind, 'first-folder', async (s) => {
      await s.append('alice', 'INBOX', [0, 1, 2, 3].map((i) => ({ raw: message(i) })));
    }));
    await ok('sync');
  });
  afterAll(() => cli.stop());

  it('keeps the folder (same id, the server’s path), the rule’s target and the moved mail', async () => {
    const path = serverPath(server, 'Projects');
    const made = await ok('folder', 'create', '--account', accountId, 'Projects');
    // Where the server has it, from the start (Courier: INBOX.Projects).
    expect(made).toMatch(new RegExp(`^\\d+  ${path.replace(/\./g, '\\.')}\\n$`));
    const folderId = Number(made.split(' ')[0]);
    const rule = (await ok('rule', 'add', '--name', 'Notes', '--match', 'subject:zzz', '--action', `move:${path}`, '--account', accountId, '--json')).trim();
    const ruleJson = JSON.parse(rule) as { id: number; actions: Array<{ folderId: number }> };
    expect(ruleJson.actions[0]!.folderId).toBe(folderId);
    const inbox = JSON.parse(await ok('list', '--account', accountId, '--folder', 'INBOX', '--json')) as Array<{ id: number; subject: string }>;
    await ok('move', String(inbox[0]!.id), String(inbox[1]!.id), '--to', path);
    // Courier has no Trash yet: the delete makes one (the second folder made in this pass).
    await ok('delete', String(inbox[2]!.id));
    await ok('sync');

    const after = await folders();
    expect(after.find((f) => f.id === folderId)).toMatchObject({ path, total: 2 });
    const rules = JSON.parse(await ok('rule', 'list', '--json')) as Array<{ id: number; actions: Array<{ folderId: number }>; broken: unknown }>;
    expect(rules.find((r) => r.id === ruleJson.id)).toMatchObject({ actions: [{ folderId }], broken: null });
    const inProjects = JSON.parse(await ok('list', '--account', accountId, '--folder', path, '--json')) as Array<{ id: number; uid: number | null }>;
    expect(inProjects.map((m) => m.id).sort()).toEqual([inbox[0]!.id, inbox[1]!.id].sort());
    expect(inProjects.every((m) => m.uid !== null)).toBe(true);
    const client = await adminClient(server, 'alice');
    try {
      expect(await client.status(path, { messages: true })).toMatchObject({ messages: 2 });
      expect((await client.list()).map((f) => f.path)).toContain(path);
    } finally {
      await client.logout();
    }
  });
});

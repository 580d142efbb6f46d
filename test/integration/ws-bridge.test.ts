import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pathMethodNames } from '../../shared/contract';
import { bridgeClient } from '../helpers/bridge-client';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { eml } from '../helpers/store';

/** A raw socket to the bridge of a running dev-web, for frames no well-behaved client sends. */
async function rawSocket(appUrl: string): Promise<WebSocket> {
  const url = new URL(appUrl);
  const token = new URLSearchParams(url.hash.replace(/^#/, '')).get('token') ?? '';
  const socket = new WebSocket(`ws://${url.host}/bridge?token=${encodeURIComponent(token)}`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

const closed = (socket: WebSocket) =>
  new Promise<number>((resolve) => {
    socket.on('error', () => undefined); // the server's close may surface as an error here first
    socket.once('close', (code) => resolve(code));
  });

/**
 * The loopback bridge of the built `dev-web`, as a separate process: a hostile frame closes its own
 * socket and nothing else, and the methods that name files are refused as Electron's IPC gate refuses
 * them, unless the process was started with `--allow-path-methods`.
 */
describe('the WebSocket bridge (dev-web)', () => {
  let dir: string;
  let app: DevWeb;
  let messageId = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'homing-bridge-'));
    const mail = join(dir, 'one.eml');
    writeFileSync(mail, eml({ From: 'a@example.org', To: 'b@example.org', Subject: 'Bridge', 'Message-ID': '<bridge@example.org>' }, 'Sender-controlled bytes.\r\n'));
    const imported = await runCli(['--data-dir', join(dir, 'data'), 'import', mail, '--folder', 'Inbox']);
    expect(imported.status).toBe(0);
    const listed = await runCli(['--data-dir', join(dir, 'data'), 'list', '--json']);
    messageId = (JSON.parse(listed.stdout) as Array<{ id: number }>)[0]!.id;
    app = await startDevWeb(join(dir, 'data'));
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('closes only the socket that sends a frame over 8 MiB; the process and other sockets keep serving', async () => {
    const bystander = await bridgeClient(app.url);
    const socket = await rawSocket(app.url);
    const code = closed(socket);
    socket.send('x'.repeat(9 * 1024 * 1024));
    expect(await code).toBe(1009); // RFC 6455 section 7.4.1: message too big
    expect(await bystander.api.listAccounts({})).toEqual(expect.any(Array));
    const fresh = await bridgeClient(app.url);
    expect(await fresh.api.listAccounts({})).toEqual(expect.any(Array));
    fresh.close();
    bystander.close();
  });

  it('closes only the socket that sends a text frame of invalid UTF-8', async () => {
    const bystander = await bridgeClient(app.url);
    const socket = await rawSocket(app.url);
    const code = closed(socket);
    socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await code).toBe(1007); // RFC 6455 section 7.4.1: data inconsistent with the message type
    expect(await bystander.api.listAccounts({})).toEqual(expect.any(Array));
    bystander.close();
  });

  it('refuses the methods that name files (import, export) as the IPC gate does', async () => {
    expect([...pathMethodNames].sort()).toEqual(['exportFolder', 'exportMessage', 'importMail']);
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const { api, close } = await bridgeClient(app.url);
    try {
      await expect(api.exportMessage({ id: messageId, emlPath: victim })).rejects.toMatchObject({ code: 'FORBIDDEN_SENDER' });
      await expect(api.exportFolder({ accountId: 'local', folderPath: 'Inbox', mboxPath: victim })).rejects.toMatchObject({ code: 'FORBIDDEN_SENDER' });
      await expect(api.importMail({ path: '/etc', folderPath: 'Etc' })).rejects.toMatchObject({ code: 'FORBIDDEN_SENDER' });
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
      expect((await api.listFolders({ accountId: 'local' })).map((f) => f.path)).not.toContain('Etc');
    } finally {
      close();
    }
  });

  it('refuses a new password command (a program Homing would run) as the IPC gate does', async () => {
    const marker = join(dir, 'password-command-ran');
    const { api, close } = await bridgeClient(app.url);
    try {
      const account = { email: 'cmd@example.org', protocol: 'imap' as const, host: 'localhost', port: 1, security: 'tls' as const, username: 'cmd' };
      const command = { kind: 'command' as const, command: `touch ${marker}` };
      await expect(api.addAccount({ ...account, settings: { passwordSource: command } })).rejects.toMatchObject({ code: 'FORBIDDEN_SENDER' });
      expect((await api.listAccounts({})).map((a) => a.email)).not.toContain('cmd@example.org');
      const added = await api.addAccount({ ...account, password: 'pw' });
      await expect(api.updateAccount({ id: added.id, patch: { settings: { passwordSource: command } } })).rejects.toMatchObject({ code: 'FORBIDDEN_SENDER' });
      await api.removeAccount({ id: added.id, confirm: true });
      expect(existsSync(marker)).toBe(false);
    } finally {
      close();
    }
  });

  it('serves them to a dev-web started with --allow-path-methods (for the tests that need them)', async () => {
    const opened = await startDevWeb(join(dir, 'data-open'), {}, { allowPathMethods: true });
    try {
      const { api, close } = await bridgeClient(opened.url);
      const target = join(dir, 'exported.mbox');
      await api.importMail({ path: join(dir, 'one.eml'), folderPath: 'Inbox' });
      expect(await api.exportFolder({ accountId: 'local', folderPath: 'Inbox', mboxPath: target })).toEqual({ exported: 1 });
      expect(existsSync(target)).toBe(true);
      close();
    } finally {
      await opened.stop();
    }
  });
});

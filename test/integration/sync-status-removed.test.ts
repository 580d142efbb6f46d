import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../shared/contract/sync';
import { MemoryVault } from '../../electron/accounts/vault';
import { type MailServiceHandle, openMailService } from '../../electron/service/mail-service';
import { workerPath } from '../helpers/cli';
import { eventually } from '../helpers/imap-sync';
import { testWatchTiming } from '../helpers/watch-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Found using the app: after an account was removed while every account was watched, getSyncStatus (what a
 * window asks when it opens, and what the command socket answers) still said it was "watching", live, for
 * as long as the app ran: the main thread keeps the last status event of each account, and a removed
 * account sends none after its last. The status of accounts that no longer exist is not answered.
 */
describe('the sync status of a removed account', () => {
  let server: DovecotServer;
  let handle: MailServiceHandle;
  const events = new Map<string, SyncStatus>();

  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }, { name: 'bob', password: 'bob-secret' }] });
    handle = await openMailService({
      dataDir: mkdtempSync(join(tmpdir(), 'homing-status-removed-')),
      vault: new MemoryVault(),
      workerPath: workerPath(),
      startWriter: true,
      watchTiming: testWatchTiming,
    });
    handle.service.on('syncProgressed', (s) => events.set(s.accountId, s));
  });
  afterAll(async () => {
    await handle?.close();
    await server?.destroy();
  });

  it('is gone once the account is, while the others are still reported', async () => {
    const add = (user: string) =>
      handle.service.addAccount({
        email: `${user}@example.org`, protocol: 'imap', host: '127.0.0.1', port: server.ports.imaps, security: 'tls', username: user,
        password: `${user}-secret`, trustedFingerprint: server.certificate.fingerprint256,
      });
    const alice = await add('alice');
    const bob = await add('bob');
    await handle.service.startWatching({});
    await eventually(() => [events.get(alice.id)?.phase, events.get(bob.id)?.phase], (p) => p.every((x) => x === 'watching'), 30_000);

    await handle.service.removeAccount({ id: bob.id, confirm: true });
    const listed = (await handle.service.getSyncStatus({})).map((s) => s.accountId);
    expect(listed).toEqual([alice.id]);
  });
});

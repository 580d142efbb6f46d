import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryVault } from '../../electron/accounts/vault';
import { openMailService } from '../../electron/service/mail-service';
import { lockPathOf } from '../../electron/store/data-dir';
import type { SyncStatus } from '../../shared/contract/sync';
import { workerPath } from '../helpers/cli';
import { eventually } from '../helpers/imap-sync';
import { startSendingFixture } from '../helpers/sending-fixture';

/** A scripted fake server that accepts connections and never says a word (Dovecot always greets). */
describe('closing the service while a sync waits on a silent server (scripted fake server)', () => {
  let server: Server;
  let port = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  it('ends the worker, releases the lock and leaves a database that opens again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'homing-shutdown-'));
    const handle = await openMailService({ dataDir, vault: new MemoryVault(), workerPath: workerPath(), startWriter: true });
    const account = await handle.service.addAccount({
      email: 'quiet@example.org',
      protocol: 'imap',
      host: '127.0.0.1',
      port,
      security: 'tls',
      username: 'quiet',
      password: 'never-sent',
    });
    // The pass hangs in the TLS handshake: the server never answers.
    const pass = handle.service.syncAccounts({ accountIds: [account.id] });
    pass.catch(() => undefined);
    await eventually(() => sockets.length, (count) => count > 0);

    await handle.close(); // would hang forever if the open socket kept the worker alive
    expect(existsSync(lockPathOf(dataDir))).toBe(false);

    const again = await openMailService({ dataDir, vault: new MemoryVault(), workerPath: workerPath() });
    expect((await again.service.listAccounts({})).map((a) => a.id)).toEqual([account.id]);
    await again.close();
  });
});

describe('closing the service while it watches a real Dovecot (IDLE)', () => {
  it('ends the worker and releases the lock', async () => {
    const fixture = await startSendingFixture({ name: 'shutdown' });
    const { dovecot, handle, dataDir } = fixture;
    try {
      await dovecot.deliver('alice', 'From: a@example.org\r\nSubject: one\r\n\r\nbody\r\n');
      const [outcome] = await handle.service.syncAccounts({ accountIds: [fixture.accountId] });
      expect(outcome?.ok).toBe(true);
      let status: SyncStatus | undefined;
      handle.service.on('syncProgressed', (s) => (status = s));
      await handle.service.startWatching({});
      // The watch loop reaches IDLE; the server goes away (the loop notices) and comes back (it reconnects).
      await eventually(() => status?.phase, (phase) => phase === 'watching', 30_000);
      await dovecot.stop();
      await eventually(() => status?.offlineSince, (since) => since != null, 30_000);
      await dovecot.start();
      await eventually(() => status?.phase, (phase) => phase === 'watching', 30_000);
      await handle.close(); // hung before the worker ended itself after closing the database
      expect(existsSync(lockPathOf(dataDir))).toBe(false);
    } finally {
      await fixture.close();
    }
  });
});

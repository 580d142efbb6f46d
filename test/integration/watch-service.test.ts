import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { SyncStatus } from '../../shared/contract/sync';
import { MemoryVault } from '../../electron/accounts/vault';
import { type MailServiceHandle, openMailService } from '../../electron/service/mail-service';
import { workerPath } from '../helpers/cli';
import { corpusMessage } from '../helpers/imap-corpus';
import { eventually } from '../helpers/imap-sync';
import { testWatchTiming } from '../helpers/watch-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/** The service as the app runs it: the worker thread, the main thread's read connection, events between them. */
describe('watching through the service (worker thread and read connection)', () => {
  let server: DovecotServer;
  let handle: MailServiceHandle;
  let account: Account;
  const statuses = new Map<string, SyncStatus>();

  beforeAll(async () => {
    server = await startDovecot();
    for (let i = 0; i < 3; i++) await server.deliver('alice', corpusMessage(i));
    handle = await openMailService({
      dataDir: mkdtempSync(join(tmpdir(), 'homing-watch-service-')),
      vault: new MemoryVault(),
      workerPath: workerPath(),
      startWriter: true,
      watchTiming: testWatchTiming,
    });
    handle.service.on('syncProgressed', (s) => statuses.set(s.accountId, s));
    account = await handle.service.addAccount({
      email: 'alice@example.org',
      protocol: 'imap',
      host: '127.0.0.1',
      port: server.ports.imaps,
      security: 'tls',
      username: 'alice',
      password: 'alice-secret',
      trustedFingerprint: server.certificate.fingerprint256,
    });
  });
  afterAll(async () => {
    await handle?.close();
    await server?.destroy();
  });

  it('clears the "waiting for the server" marks once the server confirmed the changes made offline', async () => {
    await handle.service.startWatching({});
    await eventually(() => statuses.get(account.id), (s) => s?.phase === 'watching', 30_000);
    const { messages } = await handle.service.listMessages({ mailbox: { unified: 'inbox' }, sort: 'date-desc', cursor: null, limit: 10 });
    const id = messages[0]!.id;
    await server.stop();
    await eventually(() => statuses.get(account.id), (s) => s?.offlineSince != null, 30_000);
    await handle.service.markMessages({ ids: [id], seen: !messages[0]!.seen });
    expect((await handle.service.getMessageSummaries({ ids: [id] }))[0]?.pendingState).toBe('pending');
    await handle.service.search({ query: 'hello', limit: 10 });
    await handle.service.getMessage({ id });
    await server.start();
    await eventually(() => statuses.get(account.id), (s) => s?.phase === 'watching' && s.pendingChanges === 0, 30_000);
    expect((await handle.service.getMessageSummaries({ ids: [id] }))[0]?.pendingState).toBeNull();
  });
});

import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { SyncStatus } from '../../shared/contract/sync';
import { MemoryVault } from '../../electron/accounts/vault';
import { type MailServiceHandle, openMailService } from '../../electron/service/mail-service';
import { systemClock } from '../../electron/shell/clock';
import { superviseWatching } from '../../electron/shell/keep-watching';
import type { SupervisorEvent, WorkerSupervisor } from '../../electron/shell/worker-supervisor';
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

/** A fake server that accepts connections and never says a word: keeps a call in flight for as long as the test needs. */
describe('the sync worker dying in the running app (scripted fake server for the call in flight)', () => {
  let server: DovecotServer;
  let silent: Server;
  let silentPort = 0;
  const sockets: Socket[] = [];
  let handle: MailServiceHandle | null = null;
  let supervisor: WorkerSupervisor;
  const statuses = new Map<string, SyncStatus>();
  const supervisorEvents: SupervisorEvent[] = [];

  beforeAll(async () => {
    server = await startDovecot();
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    supervisor?.stop();
    await handle?.close();
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => silent.close(resolve));
    await server?.destroy();
  });

  it('answers the calls in flight with an error, restarts the worker and watches again', async () => {
    // Wired as electron/main.ts and dev-web wire it.
    supervisor = superviseWatching(() => handle, systemClock, (event) => supervisorEvents.push(event));
    handle = await openMailService({
      dataDir: mkdtempSync(join(tmpdir(), 'homing-worker-death-')),
      vault: new MemoryVault(),
      workerPath: workerPath(),
      startWriter: true,
      watchTiming: testWatchTiming,
      onWorkerExit: (error) => supervisor.workerExited(error),
    });
    handle.service.on('syncProgressed', (s) => statuses.set(s.accountId, s));
    const alice = await handle.service.addAccount({
      email: 'alice@example.org',
      protocol: 'imap',
      host: '127.0.0.1',
      port: server.ports.imaps,
      security: 'tls',
      username: 'alice',
      password: 'alice-secret',
      trustedFingerprint: server.certificate.fingerprint256,
    });
    const quiet = await handle.service.addAccount({
      email: 'quiet@example.org',
      protocol: 'imap',
      host: '127.0.0.1',
      port: silentPort,
      security: 'tls',
      username: 'quiet',
      password: 'never-answered',
    });
    supervisor.start();
    await eventually(() => statuses.get(alice.id)?.phase, (phase) => phase === 'watching', 30_000);
    const inFlight = handle.service.syncAccounts({ accountIds: [quiet.id] });
    const answered = inFlight.then(
      () => null,
      (error: unknown) => error,
    );
    await eventually(() => sockets.length, (count) => count > 0);

    statuses.clear();
    await handle.killWorker();
    expect(await answered).toMatchObject({ code: 'INTERNAL' });
    await eventually(() => supervisorEvents.map((e) => e.type), (types) => types.includes('worker-died'));
    // The new worker watches every account again without anyone asking, and new mail arrives.
    await eventually(() => statuses.get(alice.id)?.phase, (phase) => phase === 'watching', 30_000);
    await server.deliver('alice', corpusMessage(4711));
    const found = await eventually(
      async () => (await handle!.service.search({ query: 'subject:"Message 4711"', limit: 5 })).hits.length,
      (hits) => hits === 1,
      30_000,
    );
    expect(found).toBe(1);
    expect(supervisor.state).toBe('running');
  });
});

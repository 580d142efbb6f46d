import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MailService } from '../../../../shared/contract';
import { connectToWriter, type WriterConnection } from '../../../../electron/command-socket/connect';
import { readSocketRecord } from '../../../../electron/command-socket/socket-record';
import { type CommandSocket, serveCommandSocket } from '../../../../electron/command-socket/serve';

/**
 * How a holder stops serving, with its service played by the test (a markMessages that finishes when the
 * test says): the real socket, record and client. A one-shot holder (`homing sync` from cron) finishes the
 * calls other processes handed it before it closes its service; any holder keeps its record until its
 * service (and so its lock) is closed, so a client that comes meanwhile is told to wait, not refused.
 */
describe('serveCommandSocket close', () => {
  let socket: CommandSocket | null = null;
  const clients: WriterConnection[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await socket?.close();
    socket = null;
  });

  const setUp = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'homing-serve-close-'));
    const carried: number[] = [];
    const finishers = new Map<number, () => void>();
    const service = {
      markMessages: ({ ids }: { ids: number[] }) =>
        new Promise<void>((resolve) => {
          carried.push(ids[0]!);
          finishers.set(ids[0]!, resolve);
        }),
      on: () => () => undefined,
    } as unknown as MailService;
    socket = serveCommandSocket({ service, writerLocked: Promise.resolve() }, { dataDir, onNote: () => undefined });
    expect(await socket.ready).not.toBeNull();
    const connect = async () => {
      const link = await connectToWriter(dataDir, { pid: process.pid });
      if (!('connection' in link)) throw new Error(link.refusal);
      clients.push(link.connection);
      return link.connection;
    };
    const mark = (client: WriterConnection, id: number) => client.invoke('markMessages', { ids: [id], seen: true });
    const settled = async () => {
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    return { dataDir, carried, finishers, connect, mark, settled };
  };

  it('with finishCalls, carries out the handed calls, and those that come meanwhile, before the service closes', async () => {
    const { carried, finishers, connect, mark, settled } = await setUp();
    const client = await connect();
    const first = mark(client, 1);
    await expect.poll(() => carried).toEqual([1]);
    let serviceClosed = false;
    const closing = socket!.close(async () => (serviceClosed = true), { finishCalls: true });
    await settled();
    // Still taking calls while one runs: a click in the app's window meanwhile is carried out here.
    const second = mark(client, 2);
    await expect.poll(() => carried).toEqual([1, 2]);
    finishers.get(1)!();
    expect(await first).toEqual({ ok: true });
    await settled();
    expect(serviceClosed).toBe(false);
    finishers.get(2)!();
    expect(await second).toEqual({ ok: true });
    await closing;
    expect(serviceClosed).toBe(true);
    socket = null;
  });

  it('without it, refuses new calls at once (WRITER_STOPPING) and keeps its record until its service has closed', async () => {
    const { dataDir, carried, finishers, connect, mark, settled } = await setUp();
    const client = await connect();
    const first = mark(client, 1);
    await expect.poll(() => carried).toEqual([1]);
    let closeService: () => void = () => undefined;
    const closing = socket!.close(() => new Promise<void>((resolve) => (closeService = resolve)));
    await settled();
    expect((await mark(client, 2)).ok).toBe(false);
    expect(await mark(client, 3)).toMatchObject({ ok: false, error: { code: 'WRITER_STOPPING' } });
    // A newcomer while the lock is still held finds the socket and is told to wait for the lock, not that
    // this process takes no commands (which left a homing run in that moment with DATA_DIR_LOCKED).
    expect(readSocketRecord(dataDir)?.pid).toBe(process.pid);
    const late = await connect();
    expect(await mark(late, 4)).toMatchObject({ ok: false, error: { code: 'WRITER_STOPPING' } });
    expect(carried).toEqual([1]);
    finishers.get(1)!();
    expect(await first).toEqual({ ok: true });
    closeService();
    await closing;
    expect(readSocketRecord(dataDir)).toBeNull();
    expect(await late.ended).toMatchObject({ code: 'WRITER_STOPPING' });
    socket = null;
  });
});

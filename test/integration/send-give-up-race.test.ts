import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import { serverMessages } from '../helpers/delivered-mail';
import { eventually } from '../helpers/imap-sync';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';
import type { DovecotServer } from '../servers/dovecot';
import type { PostfixServer } from '../servers/postfix';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
  { name: 'carol', password: 'carol-secret' },
];

/**
 * A TCP relay to the real Postfix that holds each new connection (nothing passes either way) until
 * `release()`: the retry's session is opened and waits there for the greeting, which is where the user's
 * "Stop trying" used to slip in between the runner's look at the row and its claim on it.
 */
async function startGate(target: { host: string; port: number }): Promise<{ port: number; held: () => number; release: () => void; close: () => Promise<void> }> {
  const waiting: Array<() => void> = [];
  const open = new Set<Socket>();
  let released = false;
  const server: Server = createServer((client) => {
    open.add(client);
    client.pause();
    const pipe = () => {
      const upstream = connect(target.port, target.host);
      open.add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      const done = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', done);
      upstream.on('error', done);
      client.on('close', done);
      upstream.on('close', done);
    };
    if (released) pipe();
    else waiting.push(pipe);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('gate: no port');
  return {
    port: address.port,
    held: () => waiting.length,
    release() {
      released = true;
      for (const pipe of waiting.splice(0)) pipe();
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * "Stop trying" on a resend (recipients the server answered "not now") while its retry is under way. The
 * outbox row decides: a retry that has not yet claimed the row (`sending`) finds it given up and sends
 * nothing; once claimed, the give-up is refused ("being sent right now") and the send's answer stands.
 * Real Postfix answering 450 for carol, and Dovecot.
 */
describe('"Stop trying" while the retry runs (Postfix + Dovecot)', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  let service: MailClient;
  let accountId = '';
  let fixture: SendingFixture | undefined;

  beforeAll(async () => {
    fixture = await startSendingFixture({
      name: 'send-give-up-race',
      env: { HOMING_SENT_COPY_WAIT_MS: '0' },
      dovecot: { users },
      postfix: { deferRecipients: ['carol@example.test'] },
      smtp: { port: 'submissions', security: 'tls' },
    });
    ({ dovecot, service, accountId } = fixture);
    postfix = fixture.postfix!;
  });
  afterAll(() => fixture?.close());

  it('given up while the retry connects: carol gets nothing and the give-up stays', async () => {
    const queued = await service.sendMessage({
      content: { accountId, to: [{ name: 'Bob', address: 'bob@example.test' }], cc: [{ name: 'Carol', address: 'carol@example.test' }], subject: 'Stopped mid-retry', text: 'Hello.\n' },
      delaySeconds: 0,
    });
    const [, resend] = await service.flushOutbox({ ids: [queued.id] });
    expect(resend).toMatchObject({ resendOf: queued.id, state: 'queued', recipients: ['carol@example.test'] });

    // The retry's connection goes through the gate; the greylist no longer holds carol back.
    const gate = await startGate({ host: '127.0.0.1', port: postfix.ports.submissions });
    try {
      await service.updateAccount({ id: accountId, patch: { password: 'alice-secret', smtp: { port: gate.port } } });
      await postfix.reconfigure({ deferRecipients: [] });
      const retrying = service.flushOutbox({ ids: [resend!.id] });
      await eventually(async () => gate.held(), (held) => held === 1, 30_000);

      const given = await service.giveUpOutbox({ id: resend!.id });
      expect(given).toMatchObject({ state: 'filed', rejected: [{ address: 'carol@example.test' }] });
      gate.release();
      await retrying;
    } finally {
      gate.release();
      await gate.close();
    }

    // Without the fix: the retry claimed the given-up row, sent its (emptied) bytes to carol, and its
    // success wrote over the give-up (rejected: []).
    const after = (await service.listOutbox({ includeFiled: true })).find((item) => item.id === resend!.id);
    expect(after).toMatchObject({ state: 'filed', refusalsSeen: true, rejected: [{ address: 'carol@example.test', response: expect.stringMatching(/stopped trying/) }] });
    await postfix.drain();
    expect((await postfix.log()).split('\n').filter((line) => /to=<carol@example\.test>.*status=sent/.test(line))).toHaveLength(0);
    expect(await serverMessages(dovecot, 'carol')).toHaveLength(0);
  });
});

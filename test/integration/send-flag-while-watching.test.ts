import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import type { ResponseMode } from '../../shared/contract/outgoing';
import { serverMessages } from '../helpers/delivered-mail';
import { eventually } from '../helpers/imap-sync';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';
import type { DovecotServer } from '../servers/dovecot';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];

const original = (messageId: string, subject: string) =>
  [
    'From: Bob <bob@example.test>',
    'To: alice@example.test',
    `Subject: ${subject}`,
    `Message-ID: <${messageId}>`,
    'Date: Tue, 3 Jun 2025 09:00:00 +0000',
    '',
    'Hello Alice.',
    '',
  ].join('\r\n');

/**
 * A reply or forward sent while the app watches the account: the original's \Answered or $Forwarded
 * reaches the server at once, as any flag change the user makes does. Before, the flag was queued by the
 * outbox (mark-original.ts) with nothing to tell the account's watch loop, so it waited for the next
 * scheduled check (10 minutes by default, up to a day), the status saying "1 change waiting" all along.
 * Found by sending a forward in the app and watching the server.
 */
describe('the original of a reply or forward is marked on the server at once while the account is watched', () => {
  let dovecot: DovecotServer;
  let service: MailClient;
  let accountId = '';
  let fixture: SendingFixture | undefined;

  beforeAll(async () => {
    fixture = await startSendingFixture({ name: 'send-flag-watching', env: { HOMING_SENT_COPY_WAIT_MS: '0' }, dovecot: { users }, smtp: { port: 'submissions', security: 'tls' } });
    ({ dovecot, service, accountId } = fixture);
    await dovecot.deliver('alice', original('answer-me@example.test', 'Answer me'));
    await dovecot.deliver('alice', original('forward-me@example.test', 'Forward me'));
    await service.syncAccounts({ accountIds: [accountId] });
    await service.startWatching({});
    await eventually(
      async () => (await service.getSyncStatus({})).find((s) => s.accountId === accountId)?.phase,
      (phase) => phase === 'watching',
      30_000,
    );
  });
  afterAll(() => fixture?.close());

  async function respond(mode: ResponseMode, subject: string) {
    const inbox = (await service.listFolders({ accountId })).find((f) => f.path === 'INBOX')!;
    const ids = await service.listMessageIds({ mailbox: { folderId: inbox.id } });
    const stored = (await service.getMessageSummaries({ ids })).find((m) => m.subject === subject)!;
    const prepared = await service.prepareResponse({ messageId: stored.id, mode });
    const queued = await service.sendMessage({ content: { ...prepared.content, to: [{ name: 'Bob', address: 'bob@example.test' }] }, delaySeconds: 0 });
    const [item] = await service.flushOutbox({ ids: [queued.id] });
    expect(item).toMatchObject({ state: 'filed' });
  }
  const flagsAtServer = async (messageId: string) => (await serverMessages(dovecot, 'alice')).find((m) => m.source.includes(`<${messageId}>`))!.flags;

  it('a reply: \\Answered on the server, and nothing left waiting, with no sync asked for', async () => {
    await respond('reply', 'Answer me');
    await eventually(() => flagsAtServer('answer-me@example.test'), (flags) => flags.includes('\\Answered'), 15_000);
    await eventually(() => service.listPendingOperations({}), (ops) => ops.length === 0, 15_000);
  });

  it('a forward: $Forwarded on the server, and nothing left waiting, with no sync asked for', async () => {
    await respond('forward-inline', 'Forward me');
    await eventually(() => flagsAtServer('forward-me@example.test'), (flags) => flags.includes('$Forwarded'), 15_000);
    await eventually(() => service.listPendingOperations({}), (ops) => ops.length === 0, 15_000);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../shared/contract/outgoing';
import { runCli } from '../helpers/cli';
import { serverMessages, withMessageId } from '../helpers/delivered-mail';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
  { name: 'carol', password: 'carol-secret' },
];

/**
 * `homing outbox give-up ID` as a user runs it: real Postfix takes a message for bob and answers "not now"
 * (450, a greylist) for carol, and the resend for carol is given up; ids it cannot give up get the error and
 * exit status docs/cli.md gives them.
 */
describe('homing outbox give-up (Postfix answering 450 for carol, Dovecot)', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  const env = { ALICE_PW: 'alice-secret', HOMING_SENT_COPY_WAIT_MS: '0' };
  let dir = '';
  let account = '';

  beforeAll(async () => {
    dovecot = await startDovecot({ users });
    postfix = await startPostfix({ dovecot, deferRecipients: ['carol@example.test'] });
    dir = mkdtempSync(join(tmpdir(), 'homing-give-up-cli-'));
    const added = await cli(['account', 'add', '--email', 'alice@example.test', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(dovecot.ports.imaps),
      '--security', 'tls', '--username', 'alice', '--password-env', 'ALICE_PW', '--trust-fingerprint', dovecot.certificate.fingerprint256,
      '--smtp-host', '127.0.0.1', '--smtp-port', String(postfix.ports.submissions), '--smtp-security', 'tls', '--smtp-trust-fingerprint', postfix.certificate.fingerprint256]);
    expect(added.status).toBe(0);
    account = added.stdout.trim();
  });
  afterAll(async () => {
    await postfix?.destroy();
    await dovecot?.destroy();
  });

  const cli = (args: string[], input?: string) => runCli(['--data-dir', dir, ...args], { env, ...(input !== undefined ? { input } : {}) });
  const outbox = async () => JSON.parse((await cli(['outbox', '--all', '--json'])).stdout) as OutboxItem[];

  it('gives up on carol: exit 0, the message stays with bob, carol gets nothing, and the outbox says so', async () => {
    const sent = await cli(['send', '--account', account, '--to', 'bob@example.test', '--cc', 'carol@example.test', '--subject', 'Carol given up', '--body-file', '-'], 'Hello.\n');
    expect(sent.status).toBe(0);
    const firstId = Number(sent.stdout.trim());
    const resend = (await outbox()).find((item) => item.resendOf === firstId)!;
    expect(resend).toMatchObject({ state: 'queued', recipients: ['carol@example.test'] });
    expect(sent.stderr).toContain(`outbox ${resend.id} sends it to them again`);

    const given = await cli(['outbox', 'give-up', String(resend.id)]);
    expect(given).toMatchObject({ status: 0, stdout: '', stderr: `not sent to carol@example.test: Homing stopped trying (message ${resend.id})\n` });
    expect((await outbox()).find((item) => item.id === resend.id)).toMatchObject({
      state: 'filed',
      refusalsSeen: true,
      rejected: [{ address: 'carol@example.test', response: expect.stringMatching(/^Homing stopped trying at your request\. The server last said: 450 4\.2\.0 /) }],
    });
    // The plain list no longer shows it: the user chose.
    expect((await cli(['outbox'])).stdout).not.toContain(`${resend.id}  `);

    // A retry pass sends nothing more to carol.
    expect((await cli(['outbox', 'flush'])).status).toBe(0);
    await postfix.drain();
    const messageId = (await outbox()).find((item) => item.id === firstId)!.messageId;
    expect(await withMessageId(dovecot, 'bob', 'INBOX', messageId)).toHaveLength(1);
    expect(await serverMessages(dovecot, 'carol')).toHaveLength(0);

    // Given up already, and the first message (sent to bob): nothing waits, INVALID_ARGUMENT (exit 2).
    const again = await cli(['outbox', 'give-up', String(resend.id)]);
    expect(again).toMatchObject({ status: 2, stdout: '', stderr: `homing: INVALID_ARGUMENT: Message ${resend.id} was sent to them already.\n` });
    const first = await cli(['outbox', 'give-up', String(firstId)]);
    expect(first.status).toBe(2);
    expect(first.stderr).toBe(`homing: INVALID_ARGUMENT: Message ${firstId} is not a message sent to some recipients and waiting for the others; cancel it to a draft instead.\n`);
  });

  it('a message that went to nobody yet is not a resend: INVALID_ARGUMENT, it stays queued', async () => {
    const sent = await cli(['send', '--account', account, '--to', 'carol@example.test', '--subject', 'Only carol', '--body-file', '-'], 'Hello.\n');
    expect(sent.status).toBe(1);
    const id = (await outbox()).find((item) => item.subject === 'Only carol')!.id;
    const refused = await cli(['outbox', 'give-up', String(id)]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^homing: INVALID_ARGUMENT: Message ${id} is not a message sent to some recipients and waiting for the others; cancel it to a draft instead\\.\\n$`));
    expect((await outbox()).find((item) => item.id === id)).toMatchObject({ state: 'queued', recipients: ['carol@example.test'] });
  });

  it('an id the outbox does not have is NOT_FOUND (exit 1); one that is not a number, none or two are usage errors (exit 2)', async () => {
    const unknown = await cli(['outbox', 'give-up', '99999']);
    expect(unknown).toMatchObject({ status: 1, stdout: '', stderr: 'homing: NOT_FOUND: No message with id 99999 in the outbox.\n' });
    const word = await cli(['outbox', 'give-up', 'carol']);
    expect(word).toMatchObject({ status: 2, stderr: 'homing: INVALID_ARGUMENT: not a message id: carol\n' });
    const none = await cli(['outbox', 'give-up']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^homing: INVALID_ARGUMENT: a message id is required\n.*usage: homing outbox give-up ID/s);
    // Before, every id after the first was dropped without a word and the command exited 0.
    for (const command of ['give-up', 'retry', 'cancel', 'mark-sent', 'dismiss']) {
      const two = await cli(['outbox', command, '99998', '99999']);
      expect(two.status).toBe(2);
      expect(two.stderr).toMatch(new RegExp(`^homing: INVALID_ARGUMENT: one message id at a time \\(got 2: 99998 99999\\)\\n.*usage: homing outbox ${command} ID`, 's'));
    }
  });
});

import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../shared/contract/outgoing';
import { runCli } from '../helpers/cli';
import { belowTrace, serverMessages, withMessageId } from '../helpers/delivered-mail';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
  { name: 'carol', password: 'carol-secret' },
];

/**
 * `homing send`, `homing outbox` and the outbox flush of `homing sync`, as a user runs them, against a
 * real Postfix delivering into a real Dovecot.
 */
describe('sending from the command line (Postfix + Dovecot)', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  beforeAll(async () => {
    dovecot = await startDovecot({ users });
    postfix = await startPostfix({ dovecot });
  });
  afterAll(async () => {
    await postfix?.destroy();
    await dovecot?.destroy();
  });

  const env = { ALICE_PW: 'alice-secret', HOMING_SENT_COPY_WAIT_MS: '0' };

  async function addAlice(dir: string, protocol: 'imap' | 'pop3' = 'imap'): Promise<string> {
    const added = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'alice@example.test', '--name', 'Alice', '--protocol', protocol, '--host', '127.0.0.1',
        '--port', String(protocol === 'imap' ? dovecot.ports.imaps : dovecot.ports.pop3s), '--security', 'tls', '--username', 'alice',
        '--password-env', 'ALICE_PW', '--trust-fingerprint', dovecot.certificate.fingerprint256,
        '--smtp-host', '127.0.0.1', '--smtp-port', String(postfix.ports.submissions), '--smtp-security', 'tls',
        '--smtp-trust-fingerprint', postfix.certificate.fingerprint256],
      { env },
    );
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    return added.stdout.trim();
  }

  const send = (dir: string, account: string, args: string[], input: string) =>
    runCli(['--data-dir', dir, 'send', '--account', account, '--body-file', '-', ...args], { env, input });

  it('sends: bob gets the exact bytes once, alice’s Sent holds exactly one \\Seen copy, the store keeps it too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-send-cli-'));
    const account = await addAlice(dir);
    expect((await runCli(['--data-dir', dir, 'sync'], { env })).status).toBe(0);
    const sent = await send(dir, account, ['--to', 'Bob <bob@example.test>', '--subject', 'Grüße from the CLI'], 'Hello Bob,\nsee you.\n');
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    const outboxId = Number(sent.stdout.trim());

    const [item] = JSON.parse((await runCli(['--data-dir', dir, 'outbox', '--all', '--json'])).stdout) as OutboxItem[];
    expect(item).toMatchObject({ id: outboxId, state: 'filed', sentCopy: 'appended', recipients: ['bob@example.test'] });
    await postfix.drain();
    const atBob = await withMessageId(dovecot, 'bob', 'INBOX', item!.messageId);
    const inSent = await withMessageId(dovecot, 'alice', 'Sent', item!.messageId);
    expect(atBob).toHaveLength(1);
    expect(inSent).toHaveLength(1);
    expect(inSent[0]!.flags).toContain('\\Seen');
    expect(belowTrace(atBob[0]!.source).equals(inSent[0]!.source)).toBe(true);

    // The store has the Sent copy at once (APPENDUID), byte for byte.
    const listed = JSON.parse((await runCli(['--data-dir', dir, 'list', '--folder', 'Sent', '--json'])).stdout) as Array<{ id: number; messageId: string }>;
    expect(listed.map((m) => m.messageId)).toEqual([`<${item!.messageId}>`]);
    const raw = await runCli(['--data-dir', dir, 'show', String(listed[0]!.id), '--raw']);
    expect(Buffer.from(raw.stdout, 'utf8').equals(inSent[0]!.source)).toBe(true);
  });

  it('Bcc: the recipients never see it; alice’s Sent copy names the blind copy, otherwise the bytes bob got', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-send-cli-'));
    const account = await addAlice(dir);
    expect((await runCli(['--data-dir', dir, 'sync'], { env })).status).toBe(0);
    const sent = await send(dir, account, ['--to', 'Bob <bob@example.test>', '--bcc', 'Zoë Quist <carol@example.test>', '--subject', 'with a blind copy'], 'Hello Bob.\n');
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    const [item] = JSON.parse((await runCli(['--data-dir', dir, 'outbox', '--all', '--json'])).stdout) as OutboxItem[];
    expect(item).toMatchObject({ state: 'filed', recipients: ['bob@example.test', 'carol@example.test'] });
    await postfix.drain();
    const [atBob] = await withMessageId(dovecot, 'bob', 'INBOX', item!.messageId);
    const [atCarol] = await withMessageId(dovecot, 'carol', 'INBOX', item!.messageId);
    const inSent = await withMessageId(dovecot, 'alice', 'Sent', item!.messageId);
    expect(inSent).toHaveLength(1);
    for (const copy of [atBob!, atCarol!]) {
      expect(copy.source.toString('utf8')).not.toMatch(/^bcc:/im);
      expect(copy.source.toString('utf8')).not.toContain('carol@example.test>');
    }
    const sentText = inSent[0]!.source.toString('utf8');
    const bccLine = /^Bcc: .*\r\n/m.exec(sentText)?.[0];
    expect(bccLine).toBe('Bcc: =?UTF-8?Q?Zo=C3=AB_Quist?= <carol@example.test>\r\n');
    // Everything else is what was submitted, byte for byte.
    expect(Buffer.from(sentText.replace(bccLine!, ''), 'utf8').equals(belowTrace(atBob!.source))).toBe(true);
    const listed = JSON.parse((await runCli(['--data-dir', dir, 'list', '--folder', 'Sent', '--json'])).stdout) as Array<{ id: number }>;
    const shown = JSON.parse((await runCli(['--data-dir', dir, 'show', String(listed[0]!.id), '--json'])).stdout) as { bcc: Array<{ name: string; address: string }> };
    expect(shown.bcc).toEqual([{ name: 'Zoë Quist', address: 'carol@example.test' }]);
  });

  it('replies to a stored message: In-Reply-To, References, one Re:, and \\Answered on the original at the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-send-cli-'));
    const account = await addAlice(dir);
    await dovecot.deliver(
      'alice',
      'From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: Re: AW: lunch?\r\nMessage-ID: <lunch-2@example.test>\r\n' +
        'References: <lunch-1@example.test>\r\nIn-Reply-To: <lunch-1@example.test>\r\nDate: Mon, 2 Jun 2025 10:00:00 +0000\r\n\r\nTomorrow at noon?\r\n',
    );
    expect((await runCli(['--data-dir', dir, 'sync'], { env })).status).toBe(0);
    const inbox = JSON.parse((await runCli(['--data-dir', dir, 'list', '--folder', 'INBOX', '--json'])).stdout) as Array<{ id: number; subject: string }>;
    const original = inbox.find((m) => m.subject === 'Re: AW: lunch?')!;
    const replied = await send(dir, account, ['--to', 'bob@example.test', '--in-reply-to', String(original.id)], 'Yes!\n');
    expect(replied.status).toBe(0);
    await postfix.drain();
    const atBob = (await serverMessages(dovecot, 'bob')).map((m) => m.source.toString('utf8')).find((s) => s.includes('Yes!'));
    expect(atBob).toContain('\r\nSubject: Re: lunch?\r\n');
    expect(atBob).toContain('\r\nIn-Reply-To: <lunch-2@example.test>\r\n');
    expect(atBob).toContain('\r\nReferences: <lunch-1@example.test> <lunch-2@example.test>\r\n');
    // The flag goes to the server with the next sync (queued like any flag change).
    expect((await runCli(['--data-dir', dir, 'sync'], { env })).status).toBe(0);
    const flags = (await serverMessages(dovecot, 'alice')).find((m) => m.source.includes('<lunch-2@example.test>'))!.flags;
    expect(flags).toContain('\\Answered');
  });

  it('removing an account names the unsent messages that go with it (they are only here), before and after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-send-cli-'));
    const account = await addAlice(dir);
    await postfix.stop();
    try {
      expect((await send(dir, account, ['--to', 'bob@example.test', '--subject', 'never sent'], 'Unsent.\n')).status).toBe(1);
    } finally {
      await postfix.start();
    }
    const asked = await runCli(['--data-dir', dir, 'account', 'remove', account]);
    expect(asked.status).not.toBe(0);
    expect(asked.stderr).toContain('1 message in its outbox has not been sent and will be lost.');
    const removed = await runCli(['--data-dir', dir, 'account', 'remove', account, '--yes']);
    expect(removed.status).toBe(0);
    expect(removed.stderr).toBe('removed; its unsent message was discarded\n');
  });

  it('removing an account names the drafts only this computer has (a POP3 account’s), with the unsent messages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-send-cli-'));
    const account = await addAlice(dir, 'pop3');
    await postfix.stop();
    try {
      expect((await send(dir, account, ['--to', 'bob@example.test', '--subject', 'never sent'], 'Unsent.\n')).status).toBe(1);
      expect((await send(dir, account, ['--to', 'bob@example.test', '--subject', 'a draft again'], 'Draft.\n')).status).toBe(1);
    } finally {
      await postfix.start();
    }
    const queued = JSON.parse((await runCli(['--data-dir', dir, 'outbox', '--json'])).stdout) as OutboxItem[];
    const again = queued.find((item) => item.subject === 'a draft again')!;
    expect((await runCli(['--data-dir', dir, 'outbox', 'cancel', String(again.id)])).status).toBe(0);
    const asked = await runCli(['--data-dir', dir, 'account', 'remove', account]);
    expect(asked.status).not.toBe(0);
    expect(asked.stderr).toContain('1 message in its outbox has not been sent and will be lost. 1 draft is only on this computer and will be lost.');
    const removed = await runCli(['--data-dir', dir, 'account', 'remove', account, '--yes']);
    expect(removed.status).toBe(0);
    expect(removed.stderr).toBe('removed; its unsent message and draft were discarded\n');
  });

  it('with Postfix down the message is queued (exit 1, says so); once it is back homing sync delivers it, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-send-cli-'));
    const account = await addAlice(dir);
    await postfix.stop();
    let queued;
    try {
      queued = await send(dir, account, ['--to', 'bob@example.test', '--subject', 'while offline'], 'Sent while the server was down.\n');
    } finally {
      await postfix.start();
    }
    expect(queued.status).toBe(1);
    expect(queued.stderr).toMatch(/^homing: CONNECTION_REFUSED: /);
    expect(queued.stderr).toContain('not sent: left in the outbox as');
    const waiting = JSON.parse((await runCli(['--data-dir', dir, 'outbox', '--json'])).stdout) as OutboxItem[];
    expect(waiting).toEqual([expect.objectContaining({ state: 'queued', lastError: expect.objectContaining({ code: 'CONNECTION_REFUSED' }) })]);

    // As after many failed tries, the next one would be an hour away (the app's automatic retries back off).
    // The user's explicit sync does not wait for it: it tries now.
    const store = new Database(join(dir, 'homing.sqlite'));
    try {
      store.prepare('UPDATE outbox SET not_before = ? WHERE id = ?').run(Date.now() + 3_600_000, waiting[0]!.id);
    } finally {
      store.close();
    }
    const synced = await runCli(['--data-dir', dir, 'sync'], { env });
    expect(synced.status).toBe(0);
    expect(synced.stderr).toContain(`outbox ${waiting[0]!.id} (“while offline”): sent and filed`);
    await postfix.drain();
    expect(await withMessageId(dovecot, 'bob', 'INBOX', waiting[0]!.messageId)).toHaveLength(1);
    expect(await withMessageId(dovecot, 'alice', 'Sent', waiting[0]!.messageId)).toHaveLength(1);
    expect(JSON.parse((await runCli(['--data-dir', dir, 'outbox', '--json'])).stdout)).toEqual([]);
    // Nothing goes twice: another sync sends nothing.
    expect((await runCli(['--data-dir', dir, 'sync'], { env })).stderr).not.toContain('outbox');
  });

  it('an outgoing certificate nobody trusted yet: send shows it and the command that trusts it, which works as printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-send-cli-'));
    const added = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'alice@example.test', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(dovecot.ports.imaps),
        '--security', 'tls', '--username', 'alice', '--password-env', 'ALICE_PW', '--trust-fingerprint', dovecot.certificate.fingerprint256,
        '--smtp-host', '127.0.0.1', '--smtp-port', String(postfix.ports.submissions), '--smtp-security', 'tls', '--smtp-trust-fingerprint', 'none'],
      { env },
    );
    expect(added.status).toBe(0);
    const account = added.stdout.trim();
    const queued = await send(dir, account, ['--to', 'bob@example.test', '--subject', 'untrusted'], 'Hello.\n');
    expect(queued.status).toBe(1);
    expect(queued.stderr).toMatch(/^homing: TLS_CERT_UNTRUSTED: /);
    expect(queued.stderr).toContain('certificate: CN=localhost');
    // It was reached: waiting for it to "be reached" would never send it.
    expect(queued.stderr).not.toContain('once the server can be reached');
    const fix = /to trust exactly this certificate: (homing account edit .*), then homing outbox retry (\d+)\n/.exec(queued.stderr);
    expect(fix?.[1]).toBe(`homing account edit ${account} --smtp-trust-fingerprint ${postfix.certificate.fingerprint256} --password-env VAR`);
    const edited = await runCli(['--data-dir', dir, ...fix![1]!.replace('VAR', 'ALICE_PW').split(' ').slice(1)], { env });
    expect(edited.stderr).toBe('');
    expect(edited.status).toBe(0);
    const retried = await runCli(['--data-dir', dir, 'outbox', 'retry', fix![2]!], { env });
    expect(retried.status).toBe(0);
    await postfix.drain();
    expect((await serverMessages(dovecot, 'bob')).filter((m) => m.source.includes('Subject: untrusted'))).toHaveLength(1);
  });

  it('a POP3 account files its sent message in a local Sent folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-send-cli-'));
    const account = await addAlice(dir, 'pop3');
    const sent = await send(dir, account, ['--to', 'bob@example.test', '--subject', 'from POP3'], 'Sent from a POP3 account.\n');
    expect(sent.status).toBe(0);
    const folders = JSON.parse((await runCli(['--data-dir', dir, 'folders', '--account', account, '--json'])).stdout) as Array<{ path: string; specialUse: string | null; total: number }>;
    expect(folders).toContainEqual(expect.objectContaining({ path: 'Sent', specialUse: 'sent', total: 1 }));
    const [item] = JSON.parse((await runCli(['--data-dir', dir, 'outbox', '--all', '--json'])).stdout) as OutboxItem[];
    expect(item).toMatchObject({ state: 'filed', sentCopy: 'local' });
    await postfix.drain();
    expect(await withMessageId(dovecot, 'bob', 'INBOX', item!.messageId)).toHaveLength(1);
  });

  it('refuses what cannot be sent before queueing it: no recipient, an unknown account, a missing attachment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-send-cli-'));
    const account = await addAlice(dir);
    expect((await send(dir, account, [], 'x')).stderr).toMatch(/^homing: INVALID_ARGUMENT: give at least one recipient/);
    expect((await send(dir, 'nope', ['--to', 'bob@example.test'], 'x')).stderr).toMatch(/^homing: NOT_FOUND: /);
    expect((await send(dir, account, ['--to', 'bob@example.test', '--attach', join(dir, 'missing.pdf')], 'x')).stderr).toMatch(/^homing: IO_ERROR: /);
    expect(JSON.parse((await runCli(['--data-dir', dir, 'outbox', '--json'])).stdout)).toEqual([]);
  });
});

import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import { runCli } from '../helpers/cli';
import { serverMessages } from '../helpers/delivered-mail';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
  // The outgoing server's own login, another user than the mailbox's (a relay account, as hosts give).
  { name: 'relay', password: 'relay-secret' },
];

/**
 * `homing account add/edit --smtp-*` end to end: the outgoing server, user and password given on the command
 * line are the ones `homing send` uses (real Postfix, SASL by Dovecot), wrong values are clear errors that
 * store nothing, and the stored password never goes to a server the user did not confirm by typing it again.
 */
describe('account --smtp-* options, then homing send (Postfix + Dovecot)', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  /** A port on 127.0.0.1 that only counts who connects: nothing may reach it with a stored password. */
  let listener: Server;
  let connections = 0;
  let listenerPort = 0;
  const env = { ALICE_PW: 'alice-secret', RELAY_PW: 'relay-secret', WRONG_PW: 'not-the-relay-password', HOMING_SENT_COPY_WAIT_MS: '0' };

  beforeAll(async () => {
    dovecot = await startDovecot({ users });
    postfix = await startPostfix({ dovecot });
    listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerPort = (listener.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => listener?.close(resolve));
    await postfix?.destroy();
    await dovecot?.destroy();
  });

  const newDir = () => mkdtempSync(join(tmpdir(), 'homing-smtp-options-'));
  const cli = (dir: string, args: string[], input?: string) => runCli(['--data-dir', dir, ...args], { env, ...(input !== undefined ? { input } : {}) });
  const incoming = () => ['--email', 'alice@example.test', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(dovecot.ports.imaps), '--security', 'tls',
    '--username', 'alice', '--password-env', 'ALICE_PW', '--insecure-store-in-file', '--trust-fingerprint', dovecot.certificate.fingerprint256];
  const postfixSmtp = () => ['--smtp-host', '127.0.0.1', '--smtp-port', String(postfix.ports.submission), '--smtp-security', 'starttls',
    '--smtp-trust-fingerprint', postfix.certificate.fingerprint256];
  const accounts = async (dir: string) => JSON.parse((await cli(dir, ['account', 'list', '--json'])).stdout) as Account[];
  const send = (dir: string, account: string, subject: string) =>
    cli(dir, ['send', '--account', account, '--to', 'bob@example.test', '--subject', subject, '--body-file', '-'], 'Hello.\n');
  const atBob = async (subject: string) => (await serverMessages(dovecot, 'bob')).filter((m) => m.source.includes(`Subject: ${subject}`));

  it('add with --smtp-host/--smtp-port/--smtp-security/--smtp-username/--smtp-password-env: send goes through that server as that user', async () => {
    const dir = newDir();
    const added = await cli(dir, ['account', 'add', ...incoming(), ...postfixSmtp(), '--smtp-username', 'relay', '--smtp-password-env', 'RELAY_PW']);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    const id = added.stdout.trim();
    const [account] = await accounts(dir);
    expect(account!.smtp).toEqual({
      host: '127.0.0.1',
      port: postfix.ports.submission,
      security: 'starttls',
      username: 'relay',
      passwordSource: 'own',
      trustedFingerprint: postfix.certificate.fingerprint256,
    });

    const sent = await send(dir, id, 'Through the relay login');
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    await postfix.drain();
    expect(await atBob('Through the relay login')).toHaveLength(1);
    // Postfix logged the SASL login it took: the relay user, not alice.
    expect(await postfix.log()).toMatch(/sasl_method=\S+, sasl_username=relay\b/);
  });

  it('wrong values are clear errors, exit 2, and store nothing', async () => {
    const dir = newDir();
    const cases: Array<[string[], RegExp]> = [
      [['--smtp-host', '127.0.0.1'], /^homing: INVALID_ARGUMENT: --smtp-host needs --smtp-port and --smtp-security\n/],
      [['--smtp-host', '127.0.0.1', '--smtp-port', '70000', '--smtp-security', 'tls'], /^homing: INVALID_ARGUMENT: not a port: 70000\n/],
      [['--smtp-host', '127.0.0.1', '--smtp-port', '587', '--smtp-security', 'starttls', '--smtp-password-env', 'NOT_SET_ANYWHERE'], /^homing: INVALID_ARGUMENT: the environment variable NOT_SET_ANYWHERE is empty or not set\n/],
    ];
    for (const [smtp, error] of cases) {
      const added = await cli(dir, ['account', 'add', ...incoming(), ...smtp]);
      expect(added.stderr, smtp.join(' ')).toMatch(error);
      expect(added.status, smtp.join(' ')).toBe(2);
    }
    expect((await accounts(dir)).filter((a) => a.id !== 'local')).toEqual([]);
  });

  it('a wrong outgoing password: send says AUTH_FAILED and how to fix it; fixed with account edit, it sends', async () => {
    const dir = newDir();
    const id = (await cli(dir, ['account', 'add', ...incoming(), ...postfixSmtp(), '--smtp-username', 'relay', '--smtp-password-env', 'WRONG_PW'])).stdout.trim();
    const refused = await send(dir, id, 'After fixing the password');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^homing: AUTH_FAILED: /);
    // Before: "sends it once the server can be reached" (it was reached) and no way to give the password.
    expect(refused.stderr).toMatch(new RegExp(`\\n  if the password changed: homing account edit ${id} --smtp-password-env VAR, then homing outbox retry \\d+\\n`));
    const outboxId = /left in the outbox as (\d+) until the outgoing server takes the password\n$/.exec(refused.stderr)?.[1];
    expect(outboxId, refused.stderr).toBeDefined();

    expect((await cli(dir, ['account', 'edit', id, '--smtp-password-env', 'RELAY_PW'])).status).toBe(0);
    const retried = await cli(dir, ['outbox', 'retry', outboxId!]);
    expect(retried.stderr).toBe('');
    expect(retried.status).toBe(0);
    await postfix.drain();
    expect(await atBob('After fixing the password')).toHaveLength(1);
  });

  it('edit to another server without the password again: PASSWORD_REQUIRED, nothing changes, nothing connects there', async () => {
    const dir = newDir();
    const id = (await cli(dir, ['account', 'add', ...incoming(), ...postfixSmtp(), '--smtp-username', 'relay', '--smtp-password-env', 'RELAY_PW'])).stdout.trim();
    const before = (await accounts(dir)).find((a) => a.id === id)!.smtp;

    for (const change of [['--smtp-port', String(listenerPort)], ['--smtp-host', 'localhost'], ['--smtp-username', 'alice'], ['--smtp-security', 'none']]) {
      const edited = await cli(dir, ['account', 'edit', id, ...change]);
      expect(edited.status, change.join(' ')).toBe(1);
      expect(edited.stderr, change.join(' ')).toMatch(/^homing: PASSWORD_REQUIRED: Type the password for alice@example\.test again: .* changed|less protected/);
      expect((await accounts(dir)).find((a) => a.id === id)!.smtp, change.join(' ')).toEqual(before);
    }
    // The message names what changed (the port, here), against the outgoing server the password was saved for.
    expect((await cli(dir, ['account', 'edit', id, '--smtp-port', String(listenerPort)])).stderr).toContain(
      `again: the port changed, and a stored password is only sent to the server it was saved for (127.0.0.1:${postfix.ports.submission}).`,
    );
    expect(connections).toBe(0);

    // Still sent where the user confirmed it, and nowhere else.
    const sent = await send(dir, id, 'Still through the confirmed server');
    expect(sent.status, sent.stderr).toBe(0);
    expect(connections).toBe(0);

    // Typed again, the new server is the user's word: it is stored, and sending goes there (and fails there).
    expect((await cli(dir, ['account', 'edit', id, '--smtp-port', String(listenerPort), '--smtp-password-env', 'RELAY_PW'])).status).toBe(0);
    expect((await accounts(dir)).find((a) => a.id === id)!.smtp).toMatchObject({ port: listenerPort, username: 'relay' });
    const elsewhere = await send(dir, id, 'To the new server');
    expect(elsewhere.status).toBe(1);
    expect(connections).toBeGreaterThan(0);
  });
});

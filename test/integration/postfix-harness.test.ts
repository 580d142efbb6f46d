import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';

/** The harness itself: a private Postfix submitting into the private Dovecot, which later send tests rely on. */
describe('the Postfix test harness', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  beforeAll(async () => {
    dovecot = await startDovecot({
      users: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'bob', password: 'bob-secret' },
      ],
    });
    postfix = await startPostfix({ dovecot });
  });
  afterAll(async () => {
    await postfix?.destroy();
    await dovecot?.destroy();
  });

  const transport = (port: number, secure: boolean, auth = true) =>
    createTransport({
      host: '127.0.0.1',
      port,
      secure,
      requireTLS: !secure,
      tls: { ca: [postfix.certificate.pem], servername: 'localhost' },
      ...(auth ? { auth: { user: 'alice', pass: 'alice-secret' } } : {}),
    });

  async function inbox(user: string): Promise<string[]> {
    const dir = join(dovecot.maildir(user), 'new');
    const names = await readdir(dir).catch(() => []);
    return Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
  }

  it.each([
    ['submission with STARTTLS', 'submission', false],
    ['submissions (implicit TLS)', 'submissions', true],
  ] as const)('takes mail over %s with a Dovecot login and delivers it by LMTP', async (_name, port, secure) => {
    const subject = `over ${port}`;
    const info = await transport(postfix.ports[port], secure).sendMail({
      from: postfix.address('alice'),
      to: postfix.address('bob'),
      subject,
      text: 'Hello Bob',
    });
    expect(info.accepted).toEqual([postfix.address('bob')]);
    await postfix.drain();
    const delivered = (await inbox('bob')).find((m) => m.includes(`Subject: ${subject}`));
    expect(delivered).toContain('Hello Bob');
    expect(delivered).toMatch(/^Return-Path: <alice@example\.test>/);
  });

  it('refuses to relay for a client that did not log in, naming the address', async () => {
    const sending = transport(postfix.ports.submission, false, false).sendMail({ from: 'x@example.test', to: 'someone@elsewhere.test', text: 'x' });
    await expect(sending).rejects.toMatchObject({ responseCode: 554, response: expect.stringContaining('<someone@elsewhere.test>: Relay access denied') });
  });

  it('stops and starts again on the same ports', async () => {
    await postfix.stop();
    await expect(transport(postfix.ports.submissions, true).verify()).rejects.toMatchObject({ code: 'ESOCKET' });
    await postfix.start();
    await expect(transport(postfix.ports.submissions, true).verify()).resolves.toBe(true);
  });
});

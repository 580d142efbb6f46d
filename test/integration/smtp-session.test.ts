import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Security } from '../../shared/contract/accounts';
import { SmtpSession, type SmtpConnectOptions } from '../../electron/protocols/smtp/smtp-session';
import { belowTrace, serverMessages } from '../helpers/delivered-mail';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];

function message(subject: string, extra = ''): Buffer {
  return Buffer.from(
    `From: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@homing.test>\r\n` +
      `Date: Mon, 2 Jun 2025 12:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n` +
      `Grüße, Bob.\r\n.leading dot\r\n${extra}`,
    'utf8',
  );
}

describe('the SMTP session against Postfix', () => {
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

  const options = (security: Security, overrides: Partial<SmtpConnectOptions> = {}): SmtpConnectOptions => ({
    host: '127.0.0.1',
    port: security === 'tls' ? postfix.ports.submissions : postfix.ports.submission,
    security,
    trustedFingerprint: postfix.certificate.fingerprint256,
    ...overrides,
  });

  async function delivered(user: string, subject: string): Promise<Buffer[]> {
    await postfix.drain();
    return (await serverMessages(dovecot, user)).map((m) => m.source).filter((raw) => raw.includes(`Subject: ${subject}\r\n`));
  }

  it.each(['tls', 'starttls'] as const)('logs in and submits the exact bytes over %s, pinned certificate', async (security) => {
    const session = await SmtpSession.connect(options(security));
    expect(session.certificate?.fingerprint256).toBe(postfix.certificate.fingerprint256);
    expect(session.supports('PIPELINING')).toBe(true);
    expect(session.maxSize).toBe(10_240_000);
    await session.login('alice', 'alice-secret');
    const raw = message(`exact bytes ${security}`);
    let dotWritten = 0;
    const result = await session.send({ from: 'alice@example.test', to: ['bob@example.test'] }, raw, { beforeFinalDot: () => dotWritten++ });
    await session.quit();
    expect(dotWritten).toBe(1);
    expect(result.accepted).toEqual(['bob@example.test']);
    expect(result.response).toMatch(/^250 /);
    const copies = await delivered('bob', `exact bytes ${security}`);
    expect(copies).toHaveLength(1);
    expect(belowTrace(copies[0]!).equals(raw)).toBe(true);
  });

  it('refuses a certificate nobody vouches for, before a password is sent (no pin)', async () => {
    await expect(SmtpSession.connect(options('starttls', { trustedFingerprint: null }))).rejects.toMatchObject({ code: 'TLS_CERT_UNTRUSTED' });
    await expect(SmtpSession.connect(options('tls', { trustedFingerprint: 'ab'.repeat(32) }))).rejects.toMatchObject({ code: 'TLS_CERT_CHANGED' });
  });

  it('says AUTH_FAILED for a wrong password', async () => {
    const session = await SmtpSession.connect(options('tls'));
    try {
      await expect(session.login('alice', 'wrong')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    } finally {
      session.close();
    }
  });

  it('says which recipients the server refused: relay denied without a login', async () => {
    const session = await SmtpSession.connect(options('starttls'));
    try {
      const sending = session.send({ from: 'x@example.test', to: ['someone@elsewhere.test'] }, message('relay'), { beforeFinalDot: () => undefined });
      await expect(sending).rejects.toMatchObject({
        code: 'RECIPIENT_REFUSED',
        outcome: 'not-sent',
        detail: { rejected: [{ address: 'someone@elsewhere.test', response: expect.stringContaining('Relay access denied'), responseCode: 554 }] },
      });
    } finally {
      session.close();
    }
  });

  it('sends to the recipients the server takes and names the one it refused', async () => {
    const session = await SmtpSession.connect(options('tls'));
    await session.login('alice', 'alice-secret');
    // Logged in, so relaying is allowed; an unknown local user is refused by the LMTP lookup only later,
    // so refuse a syntactically bad one here: Postfix checks the address itself.
    const result = await session.send({ from: 'alice@example.test', to: ['bob@example.test', 'bad address@example.test'] }, message('partial'), {
      beforeFinalDot: () => undefined,
    });
    await session.quit();
    expect(result.accepted).toEqual(['bob@example.test']);
    expect(result.rejected).toEqual([expect.objectContaining({ address: 'bad address@example.test', responseCode: expect.any(Number) })]);
    expect(await delivered('bob', 'partial')).toHaveLength(1);
  });
});

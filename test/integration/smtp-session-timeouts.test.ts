import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSession } from '../../electron/protocols/smtp/smtp-session';
import { makeCertificate, type TestCertificate } from '../servers/certificate';
import { type FakePersonality, type FakeSmtpServer, startFakeSmtp } from '../servers/fake-smtp';

/**
 * Each wait of a session has its own bound: a reply to a command (EHLO, AUTH, MAIL, RCPT) is given
 * commandMs, only the reply to the final dot gets the long dataDoneMs. A scripted fake SMTP server
 * (test/servers/fake-smtp.ts) goes quiet at one step; no real server does that on demand.
 */
describe('SMTP session timeouts against a fake server that goes quiet', () => {
  let dir = '';
  let certificate: TestCertificate;
  const fakes: FakeSmtpServer[] = [];
  const timeouts = { connectMs: 5_000, greetingMs: 5_000, commandMs: 500, dataDoneMs: 3_000 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homing-smtp-timeouts-'));
    certificate = await makeCertificate(dir);
  });
  afterAll(async () => {
    for (const fake of fakes) void fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function session(personality: FakePersonality): Promise<SmtpSession> {
    const fake = await startFakeSmtp({ personality, certificate });
    fakes.push(fake);
    return SmtpSession.connect({ host: '127.0.0.1', port: fake.port, security: 'tls', trustedFingerprint: certificate.fingerprint256, timeouts });
  }

  const message = Buffer.from('From: alice@example.test\r\nTo: bob@example.test\r\nSubject: quiet\r\n\r\nHello.\r\n');
  const envelope = { from: 'alice@example.test', to: ['bob@example.test'] };

  it('fake that never answers AUTH: TIMEOUT after commandMs, not dataDoneMs (it waited forever: nodemailer told only its error listener)', async () => {
    const smtp = await session('hang-at-auth');
    const started = Date.now();
    await expect(smtp.login('alice', 'alice-secret')).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2_000);
    smtp.close();
  });

  it('fake that cuts the connection at AUTH: CONNECTION_LOST at once (the login is not left waiting forever)', async () => {
    const smtp = await session('drop-at-auth');
    await expect(smtp.login('alice', 'alice-secret')).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    smtp.close();
  });

  it('fake that never answers MAIL FROM: TIMEOUT after commandMs, not sent', async () => {
    const smtp = await session('hang-at-mail');
    await smtp.login('alice', 'alice-secret');
    const started = Date.now();
    let dot = false;
    await expect(smtp.send(envelope, message, { beforeFinalDot: () => (dot = true) })).rejects.toMatchObject({ code: 'TIMEOUT', outcome: 'not-sent' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(dot).toBe(false);
    smtp.close();
  });

  it('fake that never answers the final dot: waits dataDoneMs, not commandMs, then "may have been sent"', async () => {
    const smtp = await session('hang-after-dot');
    await smtp.login('alice', 'alice-secret');
    const started = Date.now();
    await expect(smtp.send(envelope, message, { beforeFinalDot: () => undefined })).rejects.toMatchObject({ code: 'SEND_UNCERTAIN', outcome: 'unknown' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    smtp.close();
  });
});

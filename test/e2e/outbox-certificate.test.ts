import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ComposeWorld, outboxItem, PASSWORDS, startComposeWorld } from '../helpers/compose-e2e';
import { withMessageId } from '../helpers/delivered-mail';
import { axeViolations } from '../helpers/e2e-app';

/**
 * A message waiting in the Outbox on the outgoing server's certificate (Chromium, Postfix on a self-signed
 * certificate, Dovecot): the host changed its certificate since the account was set up. The Outbox shows the
 * certificate as the setup dialog does and offers to trust exactly it; the user types the password (a
 * stored password goes only to the server and certificate it was saved for), the pin is saved for the
 * outgoing server alone and the message goes at once, delivered once. Before, the row said "…trust exactly
 * this certificate" with nothing to click but Send now, Edit and Discard.
 */
describe('the Outbox’s way out of a certificate error', () => {
  let world: ComposeWorld;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const oldCertificate = 'ab'.repeat(32);

  beforeAll(async () => {
    world = await startComposeWorld(async () => undefined);
    // What the account had pinned before the host renewed its certificate: another one.
    await world.bridge.api.updateAccount({ id: world.accountId, patch: { smtp: { trustedFingerprint: oldCertificate }, password: PASSWORDS.alice } });
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });

  it('shows the certificate, trusts it for the outgoing server once the password is typed, and sends the message once', async () => {
    const { page, postfix, dovecot, bridge } = world;
    const incomingPin = dovecot.certificate.fingerprint256;
    const queued = await bridge.api.sendMessage({
      content: { accountId: world.accountId, to: [{ name: '', address: 'bob@example.test' }], subject: 'Waiting on a new certificate', text: 'Hello.\n' },
      delaySeconds: 0,
    });
    await bridge.api.flushOutbox({ ids: [queued.id] });
    const waiting = await outboxItem(world, 'Waiting on a new certificate', 'queued');
    expect(waiting.lastError?.code).toBe('TLS_CERT_CHANGED');

    await page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /^Outbox/ }).click();
    const entry = page.getByTestId('outbox-item').filter({ hasText: 'Waiting on a new certificate' });
    const details = entry.getByTestId('certificate-details');
    await poll(() => details.count()).toBe(1);
    expect((await details.textContent())!.replace(/[^0-9a-f]/gi, '').toLowerCase()).toContain(postfix.certificate.fingerprint256);
    await entry.getByRole('button', { name: /Trust the new certificate/ }).click();
    // The password is asked for: the stored one is never sent to a server trusted for another certificate.
    const password = entry.getByLabel(/Enter password for/);
    await password.fill('not-the-password');
    await entry.getByRole('button', { name: 'Trust and send' }).click();
    await poll(() => entry.getByRole('alert').textContent()).toMatch(/password/i);
    expect((await bridge.api.listAccounts({})).find((a) => a.id === world.accountId)?.smtp?.trustedFingerprint).toBe(oldCertificate);
    expect(await axeViolations(page)).toEqual([]);
    await password.fill(PASSWORDS.alice);
    await entry.getByRole('button', { name: 'Trust and send' }).click();

    const item = await outboxItem(world, 'Waiting on a new certificate');
    await postfix.drain();
    expect(await withMessageId(dovecot, 'bob', 'INBOX', item.messageId)).toHaveLength(1);
    const account = (await bridge.api.listAccounts({})).find((a) => a.id === world.accountId)!;
    // The outgoing server's pin only; the incoming server keeps its own.
    expect(account.smtp?.trustedFingerprint).toBe(postfix.certificate.fingerprint256);
    expect(account.trustedFingerprint).toBe(incomingPin);
    await poll(() => entry.count()).toBe(0);
    expect(world.view.errors).toEqual([]);
  });
});

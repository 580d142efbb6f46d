import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ComposeWorld, PASSWORDS, startComposeWorld } from '../helpers/compose-e2e';
import { withMessageId } from '../helpers/delivered-mail';
import { axeViolations } from '../helpers/e2e-app';

/**
 * The outgoing server in the settings dialog (Chromium, Postfix + Dovecot): an account without one is set
 * up there, tested first (a password typed for it, the server's self-signed certificate trusted exactly as
 * for the incoming server), stored only once the test passes, and the account then sends through it.
 */
describe('the outgoing server in the settings dialog', () => {
  let world: ComposeWorld;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const dialog = () => world.page.getByRole('dialog', { name: 'Accounts' });
  const section = () => dialog().getByRole('region', { name: 'Outgoing server' });

  beforeAll(async () => {
    world = await startComposeWorld(async () => undefined);
    // Alice's account as the app would have it before: no outgoing server, so it cannot send.
    await world.bridge.api.updateAccount({ id: world.accountId, patch: { smtp: null } });
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });

  it('is set up, checked (certificate trusted in place) and stored; the account then sends through it', async () => {
    const { page, postfix } = world;
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    await poll(() => section().getByTestId('outgoing-server-summary').textContent()).toMatch(/None yet: this account cannot send mail/);
    await section().getByRole('button', { name: 'Set up outgoing server…' }).click();
    await section().locator('#edit-smtp-host').fill('127.0.0.1');
    await section().locator('#edit-smtp-port').fill(String(postfix.ports.submissions));
    await section().locator('#edit-smtp-security').selectOption('tls');
    await section().locator('#edit-smtp-password').fill(PASSWORDS.alice);
    await section().getByRole('button', { name: 'Use this outgoing server' }).click();

    // Postfix's certificate is self-signed: nothing is stored, and it can be trusted exactly, in place.
    const result = section().getByTestId('connection-result');
    await poll(() => result.textContent()).toMatch(/certificate/i);
    expect((await world.bridge.api.listAccounts({})).find((a) => a.id === world.accountId)?.smtp).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    await result.getByRole('button', { name: 'Trust this certificate' }).click();
    await poll(() => result.textContent()).toMatch(/Connected\./);
    await section().getByRole('button', { name: 'Use this outgoing server' }).click();
    await poll(() => section().getByTestId('outgoing-server-summary').textContent()).toBe(
      `127.0.0.1, port ${postfix.ports.submissions} (SSL/TLS), as alice, with its own password.`,
    );
    const account = (await world.bridge.api.listAccounts({})).find((a) => a.id === world.accountId)!;
    expect(account.smtp).toMatchObject({ host: '127.0.0.1', port: postfix.ports.submissions, security: 'tls', username: 'alice', passwordSource: 'own' });
    expect(account.smtp?.trustedFingerprint).toBe(postfix.certificate.fingerprint256);

    // And it sends.
    const queued = await world.bridge.api.sendMessage({
      content: { accountId: world.accountId, to: [{ name: '', address: 'bob@example.test' }], subject: 'Through the new outgoing server', text: 'Hello.\n' },
      delaySeconds: 0,
    });
    const [item] = await world.bridge.api.flushOutbox({ ids: [queued.id] });
    expect(item).toMatchObject({ state: 'filed' });
    await postfix.drain();
    expect(await withMessageId(world.dovecot, 'bob', 'INBOX', item!.messageId)).toHaveLength(1);
    expect(world.view.errors).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ComposeWorld, outboxItem, startComposeWorld } from '../helpers/compose-e2e';
import { withMessageId } from '../helpers/delivered-mail';
import { axeViolations } from '../helpers/e2e-app';

/**
 * A message the server took for bob and answered "not now" for carol (Postfix greylisting her, Dovecot):
 * the Outbox names who has it while carol's copy waits, and "Stop trying" ends the wait; the message's copy
 * in Sent then says carol did not get it, with the server's words. Before, the row said only "Sent to the
 * others", and its one way out was Discard ("It is not sent"), which made a draft and left Sent silent.
 */
describe('giving up on recipients the server answers "not now"', () => {
  let world: ComposeWorld;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });

  beforeAll(async () => {
    world = await startComposeWorld(async () => undefined);
    await world.postfix.reconfigure({ deferRecipients: ['carol@example.test'] });
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });

  it('names who has it, stops trying for carol when asked, and the Sent copy says she did not get it', async () => {
    const { bridge, page, postfix, dovecot } = world;
    const subject = 'Greylisted for carol';
    const queued = await bridge.api.sendMessage({
      content: { accountId: world.accountId, to: [{ name: 'Bob', address: 'bob@example.test' }, { name: 'Carol', address: 'carol@example.test' }], subject, text: 'Hello both.\n' },
      delaySeconds: 0,
    });
    await bridge.api.flushOutbox({ ids: [queued.id] });
    const first = await outboxItem(world, subject, 'filed');
    await outboxItem(world, subject, 'queued');

    await page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /^Outbox/ }).click();
    const entry = page.getByTestId('outbox-item').filter({ hasText: subject });
    await poll(() => entry.textContent()).toMatch(/Sent to bob@example\.test, not yet to carol@example\.test/);
    expect(await entry.getByRole('button', { name: /^Discard/ }).count()).toBe(0);
    await entry.getByRole('button', { name: /^Stop trying/ }).click();
    const confirm = entry.getByRole('group', { name: /Stop trying/ });
    expect(await confirm.textContent()).toMatch(/carol@example\.test\? They will not get it/);
    expect(await axeViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Stop trying' }).click();
    await poll(() => entry.count()).toBe(0);

    const sent = (await bridge.api.listFolders({ accountId: world.accountId })).find((f) => f.specialUse === 'sent')!;
    await page.locator(`[id="tree-folder:${sent.id}"]`).click();
    await page.getByTestId('message-list').getByRole('option', { name: new RegExp(subject) }).click();
    const note = page.getByTestId('undelivered');
    await poll(() => note.textContent()).toMatch(/Not delivered to carol@example\.test \(Homing stopped trying at your request\. The server last said: 450 4\.2\.0 .*Greylisted/);

    await postfix.drain();
    expect(await withMessageId(dovecot, 'bob', 'INBOX', first.messageId)).toHaveLength(1);
    expect(await withMessageId(dovecot, 'carol', 'INBOX', first.messageId)).toHaveLength(0);
    expect(await withMessageId(dovecot, 'alice', 'Sent', first.messageId)).toHaveLength(1);
    expect(world.view.errors).toEqual([]);
  });
});

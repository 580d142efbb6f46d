import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { SyncOutcome, SyncStatus } from '../../shared/contract/sync';
import { corpusMessage } from '../helpers/imap-corpus';
import { eventually, storedMessages } from '../helpers/imap-sync';
import { type WatchFixture, watchFixture } from '../helpers/watch-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * The password changes on the server while the account is watched. The IDLE connection logged in before
 * and stays open, so it keeps going; a fresh login (the user's "Check", a pass) is refused. The status must
 * keep saying so until a login succeeds: an IDLE that goes on is no proof that the stored password works,
 * and "Live — up to date" would hide the "Enter password" box (it used to, at the next IDLE check).
 */
describe('a password the server stopped taking, while IDLE is still open', () => {
  let server: DovecotServer;
  let fx: WatchFixture;

  beforeAll(async () => {
    server = await startDovecot();
  });
  afterEach(async () => {
    await fx?.close();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('stays "password refused" through IDLE checks and new mail, until the user gives the new password', async () => {
    fx = await watchFixture(server);
    const alice: Account = await fx.addAccount({ user: 'alice', protocol: 'imap' });
    await fx.command('startWatching', {});
    await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);

    await server.setPassword('alice', 'changed-elsewhere');
    const [checked] = (await fx.command('syncAccounts', { accountIds: [alice.id] })) as SyncOutcome[];
    expect(checked?.error?.code).toBe('AUTH_FAILED');
    const refusedAt = fx.events.length;

    // The IDLE session goes on (mail still arrives over it) and re-issues IDLE every second here.
    await server.deliver('alice', corpusMessage(7));
    await eventually(() => storedMessages(fx.db, alice.id).some((m) => m.messageId === '<msg-7@corpus.test>' && m.bodyStatus === 'full'), Boolean, 30_000);
    const idleChecks = () => fx.statuses(alice.id).length;
    const seen = idleChecks();
    await eventually(idleChecks, (n) => n >= seen + 2, 30_000);

    const since = fx.events.slice(refusedAt).filter((e) => e.event === 'syncProgressed').map((e) => e.payload as SyncStatus);
    expect(since.filter((s) => s.accountId === alice.id && s.lastError?.code !== 'AUTH_FAILED')).toEqual([]);
    expect(fx.status(alice.id)).toMatchObject({ phase: 'error', lastError: { code: 'AUTH_FAILED' } });

    // The new password, as the "Enter password" box stores it: the loop logs in again and the error goes.
    await fx.command('updateAccount', { id: alice.id, patch: { password: 'changed-elsewhere' } });
    const fixed = await eventually(() => fx.status(alice.id), (s) => s.phase === 'watching', 30_000);
    expect(fixed.lastError).toBeNull();
  });
});

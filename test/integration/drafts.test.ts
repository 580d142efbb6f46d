import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import { serverMessages } from '../helpers/delivered-mail';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';
import type { DovecotServer } from '../servers/dovecot';
import { adminClient } from '../servers/mail-server';

/**
 * Drafts on a real Dovecot: saved here at once, uploaded to Drafts once the composer pauses (the previous
 * copy removed by its UID), a copy changed by another client kept beside ours, deleted drafts removed,
 * every draft still there after the service is closed and opened again, and a POP3 account's drafts kept
 * here only.
 */
// Dovecot's own list without UIDPLUS (and without MOVE): RFC 3501's EXPUNGE is all there is. Was a bug
// there: the previous copy and a deleted or sent draft's copy were never removed, so every revision saved
// after a pause stayed in the server's Drafts.
const WITHOUT_UIDPLUS =
  'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ SORT MULTIAPPEND UNSELECT CHILDREN NAMESPACE LIST-EXTENDED I18NLEVEL=1 ESEARCH SPECIAL-USE\n';

describe.each([
  ['Dovecot', ''],
  ['Dovecot without UIDPLUS', WITHOUT_UIDPLUS],
])('drafts (%s)', (_name, extraConfig) => {
  let dovecot: DovecotServer;
  let service: MailClient;
  let accountId = '';
  let fixture: SendingFixture | undefined;

  beforeAll(async () => {
    fixture = await startSendingFixture({
      name: 'drafts',
      env: { HOMING_DRAFT_QUIET_MS: '0' },
      dovecot: {
        extraConfig,
        users: [
          { name: 'alice', password: 'alice-secret' },
          { name: 'bob', password: 'bob-secret' },
        ],
      },
    });
    ({ dovecot, service, accountId } = fixture);
  });
  afterAll(() => fixture?.close());

  const drafts = async () => (await serverMessages(dovecot, 'alice', 'Drafts')).map((m) => ({ uid: m.uid, flags: m.flags, text: m.source.toString('utf8') }));

  it('uploads the newest revision once the composer pauses, and removes the previous copy by its UID', async () => {
    const first = await service.saveDraft({ content: { accountId, to: [{ address: 'bob@example.test' }], subject: 'Plans', text: 'First words.' } });
    expect(first).toMatchObject({ serverCopy: 'pending' });
    await service.flushOutbox({});
    expect(await service.getDraft({ id: first.id })).toMatchObject({ serverCopy: 'saved' });
    const [copy] = await drafts();
    expect(copy!.flags).toEqual(expect.arrayContaining(['\\Draft', '\\Seen']));
    expect(copy!.text).toContain('First words.');

    await service.saveDraft({ id: first.id, content: { accountId, to: [{ address: 'bob@example.test' }], subject: 'Plans', text: 'Second try.' } });
    await service.saveDraft({ id: first.id, content: { accountId, to: [{ address: 'bob@example.test' }], subject: 'Plans', text: 'Third and final.' } });
    await service.flushOutbox({});
    const now = await drafts();
    expect(now).toHaveLength(1);
    expect(now[0]!.text).toContain('Third and final.');
    expect(now[0]!.uid).not.toBe(copy!.uid);
  });

  it('keeps a copy another client changed meanwhile as a message of its own, never overwritten', async () => {
    const draft = await service.saveDraft({ content: { accountId, to: [], subject: 'Shared', text: 'Mine.' } });
    await service.flushOutbox({});
    const ours = (await drafts()).find((d) => d.text.includes('Mine.'))!;
    // Another client edits it: its new version is a new message, and it removes ours.
    const other = await adminClient(dovecot, 'alice');
    try {
      await other.append('Drafts', ours.text.replace('Mine.', 'Edited on the phone.'), ['\\Draft']);
      const lock = await other.getMailboxLock('Drafts');
      try {
        await other.messageDelete(String(ours.uid), { uid: true });
      } finally {
        lock.release();
      }
    } finally {
      await other.logout();
    }
    await service.saveDraft({ id: draft.id, content: { accountId, to: [], subject: 'Shared', text: 'Mine, later.' } });
    await service.flushOutbox({});
    const texts = (await drafts()).map((d) => d.text);
    expect(texts.filter((t) => t.includes('Edited on the phone.'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('Mine, later.'))).toHaveLength(1);
  });

  it('a deleted draft leaves the server too; what was saved is there after a restart', async () => {
    const keep = await service.saveDraft({ content: { accountId, to: [], subject: 'Keep me', text: 'Still here after a crash.' } });
    const drop = await service.saveDraft({ content: { accountId, to: [], subject: 'Drop me', text: 'Going away.' } });
    await service.flushOutbox({});
    expect((await drafts()).some((d) => d.text.includes('Going away.'))).toBe(true);
    await service.deleteDraft({ id: drop.id });
    await service.flushOutbox({});
    expect((await drafts()).some((d) => d.text.includes('Going away.'))).toBe(false);
    expect((await service.listDrafts({ accountId })).map((d) => d.id)).not.toContain(drop.id);

    ({ service } = await fixture!.reopen());
    expect(await service.getDraft({ id: keep.id })).toMatchObject({ content: { subject: 'Keep me', text: 'Still here after a crash.' } });
  });

  it('a POP3 account keeps its drafts here only: nothing goes to the server, however often it runs', async () => {
    const pop3 = await service.addAccount({
      email: 'bob@example.test',
      protocol: 'pop3',
      host: '127.0.0.1',
      port: dovecot.ports.pop3s,
      security: 'tls',
      username: 'bob',
      password: 'bob-secret',
      trustedFingerprint: dovecot.certificate.fingerprint256,
    });
    const draft = await service.saveDraft({ content: { accountId: pop3.id, to: [], subject: 'Local only', text: 'Never on the server.' } });
    expect(draft).toMatchObject({ serverCopy: 'local' });
    await service.saveDraft({ id: draft.id, content: { accountId: pop3.id, to: [], subject: 'Local only', text: 'Still never on the server.' } });
    await service.flushOutbox({});
    await service.flushOutbox({ accountId: pop3.id });
    expect(await service.getDraft({ id: draft.id })).toMatchObject({ serverCopy: 'local', content: { text: 'Still never on the server.' } });
    expect(await serverMessages(dovecot, 'bob', 'Drafts')).toHaveLength(0);
    await service.deleteDraft({ id: draft.id });
    expect((await service.listDrafts({ accountId: pop3.id })).map((d) => d.id)).not.toContain(draft.id);
  });
});

import { describe, expect, it } from 'vitest';
import { contract } from '../../../shared/contract';
import { accountPatchSchema, newAccountSchema } from '../../../shared/contract/accounts';
import { composeSchema, mailAddressSchema } from '../../../shared/contract/outgoing';

describe('outgoing contract', () => {
  it('fills a compose message with its defaults', () => {
    const content = composeSchema.parse({ accountId: 'a1', to: [{ address: 'bob@example.org' }] });
    expect(content).toEqual({
      accountId: 'a1',
      to: [{ name: '', address: 'bob@example.org' }],
      cc: [],
      bcc: [],
      subject: '',
      text: '',
      html: null,
      attachments: [],
      responseTo: null,
    });
  });

  it('takes a non-ASCII local part (SMTPUTF8 is the server’s question) and refuses what is not an address', () => {
    expect(mailAddressSchema.safeParse('jörg@exämple.org').success).toBe(true);
    for (const bad of ['bob', 'bob@', '@example.org', 'Bob <bob@example.org>', 'a b@example.org', 'bob@example.org, eve@example.org']) {
      expect(mailAddressSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('knows three kinds of attachment and never a path on this computer', () => {
    const parse = (attachment: unknown) => composeSchema.safeParse({ accountId: 'a1', attachments: [attachment] }).success;
    expect(parse({ kind: 'file', path: '/etc/passwd' })).toBe(false);
    expect(parse({ kind: 'data', filename: 'a.txt', base64: 'aGk=' })).toBe(true);
    expect(parse({ kind: 'message-attachment', messageId: 3, attachmentId: 4 })).toBe(true);
    expect(parse({ kind: 'message', messageId: 3 })).toBe(true);
    expect(parse({ kind: 'url', href: 'https://example.org/x' })).toBe(false);
  });

  it('takes an outgoing server with an account and as a patch (null removes it)', () => {
    const account = newAccountSchema.parse({
      email: 'me@example.org',
      protocol: 'imap',
      host: 'mail.example.org',
      port: 993,
      security: 'tls',
      username: 'me@example.org',
      password: 'pw',
      smtp: { host: 'mail.example.org', port: 465, security: 'tls' },
    });
    expect(account.smtp).toEqual({ host: 'mail.example.org', port: 465, security: 'tls' });
    expect(accountPatchSchema.parse({ smtp: null }).smtp).toBeNull();
    expect(accountPatchSchema.parse({ smtp: { password: null } }).smtp).toEqual({ password: null });
  });

  it('sendMessage takes "send later" as an ISO time and the undo delay in seconds', () => {
    const args = contract.methods.sendMessage.args;
    expect(args.safeParse({ content: { accountId: 'a1' }, sendAt: '2030-01-01T08:00:00Z', delaySeconds: 0 }).success).toBe(true);
    expect(args.safeParse({ content: { accountId: 'a1' }, sendAt: 'tomorrow' }).success).toBe(false);
    expect(contract.methods.sendMessage.writes).toBe(true);
    expect(contract.methods.listOutbox.writes).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { Folder } from '../../../shared/contract/messages';
import { HomingError } from '../../../shared/errors';
import { defaultPort, formatFingerprint, guessForm, looksLikeAddress, toServerSettings, withChange } from '../../../renderer/mail/account-form';
import { fixOf, retryWithFix } from '../../../renderer/mail/certificate-fix';
import { asksForPassword, describeError, errorParts, savesUntested } from '../../../renderer/mail/error-words';
import { buildFolderTree, folderName, sidebarAccounts } from '../../../renderer/mail/folder-tree';
import { formatSize, plural } from '../../../renderer/mail/format';
import { highlightParts, previewHighlight, stripHighlights, subjectHighlight } from '../../../renderer/mail/highlights';
import { escapeHtml, frameCsp, textToFrameHtml } from '../../../renderer/mail/frame-document';

const folder = (id: number, path: string, parentPath: string | null, specialUse: Folder['specialUse'] = null): Folder => ({
  id,
  accountId: 'a',
  path,
  name: path.split('/').pop()!,
  parentPath,
  delimiter: '/',
  specialUse,
  subscribed: true,
  total: 0,
  unread: 0,
  offline: 0,
  syncError: null,
});

describe('the renderer’s pure mail logic', () => {
  it('a retry applies the fix, pins a certificate it trusts, and tests with the one in force', () => {
    const calls: string[] = [];
    const retry = (trusted: string | null) =>
      retryWithFix<{ host: string }>(
        (form) => calls.push(`form ${form.host}`),
        (fingerprint) => calls.push(`trust ${fingerprint}`),
        trusted,
        (form, fingerprint) => calls.push(`test ${form.host} ${fingerprint}`),
      );
    retry('AA')({ host: 'mail.example.org' });
    retry('AA')({ host: 'b.example.org' }, 'BB');
    retry(null)({ host: 'c.example.org' });
    expect(calls).toEqual([
      'form mail.example.org',
      'test mail.example.org AA',
      'form b.example.org',
      'trust BB',
      'test b.example.org BB',
      'form c.example.org',
      'test c.example.org null',
    ]);
  });

  it('turns search highlight markers into text and marks, never markup', () => {
    expect(highlightParts('a \u0002big\u0003 <b>deal</b>')).toEqual([
      { text: 'a ', match: false },
      { text: 'big', match: true },
      { text: ' <b>deal</b>', match: false },
    ]);
    expect(stripHighlights('\u0002x\u0003y')).toBe('xy');
  });

  it('orders folders as mail clients do and nests them by parent path', () => {
    const tree = buildFolderTree([
      folder(1, 'Projects', null),
      folder(2, 'Trash', null, 'trash'),
      folder(3, 'INBOX', null, 'inbox'),
      folder(4, 'Projects/Homing', 'Projects'),
      folder(5, 'Sent', null, 'sent'),
      folder(6, 'Orphan/Child', 'Missing'),
    ]);
    expect(tree.map((n) => folderName(n.folder))).toEqual(['Inbox', 'Sent', 'Trash', 'Child', 'Projects']);
    expect(tree.find((n) => n.folder.id === 1)!.children.map((n) => n.folder.id)).toEqual([4]);
  });

  it('always lists Local Folders, last', () => {
    const list = sidebarAccounts([{ id: 'x', protocol: 'imap', capabilities: { hasServer: true, receivesFromOtherAccounts: false }, createdAt: '2024' } as never]);
    expect(list.map((a) => a.id)).toEqual(['x', 'local']);
  });

  it('fills ports as the protocol and security change, and validates the form in words', () => {
    expect(defaultPort('pop3', 'tls')).toBe(995);
    const form = guessForm('me@example.org');
    expect(form).toMatchObject({ host: 'mail.example.org', port: '993', username: 'me@example.org' });
    expect(withChange(form, { protocol: 'pop3' }).port).toBe('995');
    expect(withChange({ ...form, port: '2993' }, { security: 'starttls' }).port).toBe('2993');
    expect(toServerSettings({ ...form, host: 'https://mail.example.org' })).toMatchObject({ ok: false });
    expect(toServerSettings({ ...form, port: '70000' })).toMatchObject({ ok: false, problem: /port/ });
    expect(formatFingerprint('ab01ff')).toBe('AB:01:FF');
  });

  it('reads the connection test’s suggested fix defensively', () => {
    const certificate = { subject: 'CN=a', issuer: 'CN=a', validFrom: '', validTo: '', fingerprint256: 'ab'.repeat(32), altNames: ['a.example', '*.b.example'] };
    expect(
      fixOf({ code: 'TLS_CERT_HOSTNAME', message: '', detail: { fix: 'use-certificate-hostname', suggestedHosts: ['a.example'], certificate } }),
    ).toMatchObject({ kind: 'use-certificate-hostname', names: ['a.example'] });
    expect(fixOf({ code: 'TLS_CERT_HOSTNAME', message: '', detail: { fix: 'use-certificate-hostname', coveredNames: ['*.b.example', 'c.example'] } })).toMatchObject({
      names: ['c.example'],
    });
    expect(fixOf({ code: 'TLS_CERT_CHANGED', message: '', detail: { fix: 'trust-certificate', certificate } })).toMatchObject({ kind: 'trust-certificate', changed: true });
    expect(fixOf({ code: 'TLS_CERT_UNTRUSTED', message: '', detail: { fix: 'trust-certificate', certificate: { subject: 1 } } })).toBeNull();
    expect(fixOf({ code: 'TLS_WRONG_PORT', message: '', detail: { fix: 'switch-security', suggested: { port: 993, security: 'tls' } } })).toEqual({
      kind: 'switch-security',
      port: 993,
      security: 'tls',
    });
  });

  it('says each sentence of an error once: title, the service’s words, its advice', () => {
    const advice = 'Check the user name (often your whole email address) and the password. With two-step login turned on, create an app password.';
    const parts = errorParts(
      new HomingError('AUTH_FAILED', `The server rejected the user name or password. Authentication failed. ${advice}`, { fix: 'check-password', hint: advice }),
    );
    expect(parts).toEqual({ title: 'The server rejected the user name or password.', detail: `Authentication failed. ${advice}`, hint: null });
    expect(errorParts(new HomingError('DNS_NOT_FOUND', 'mail.nowhere.test could not be found.', { hint: 'Check the server name.' }))).toMatchObject({
      detail: 'mail.nowhere.test could not be found.',
      hint: 'Check the server name.',
    });
    expect(asksForPassword(new HomingError('AUTH_FAILED'))).toBe(true);
    expect(asksForPassword(new HomingError('CREDENTIALS_MISSING'))).toBe(true);
    expect(asksForPassword(new HomingError('TIMEOUT'))).toBe(false);
  });

  it('takes an address with a single-label domain as whole', () => {
    for (const good of ['alice@localhost', 'bob@mailhost.', 'you@example.org', 'a.b+c@mail.example.co.uk']) expect(looksLikeAddress(good), good).toBe(true);
    for (const bad of ['alice', 'alice@', '@localhost', 'a b@example.org', 'alice@exa mple.org', 'alice@example..org']) expect(looksLikeAddress(bad), bad).toBe(false);
  });

  it('previews the match in the text, not the sender; marks the subject in its own line', () => {
    const highlights = [
      { field: 'subject' as const, text: 'Photos from \u0002Lisbon\u0003' },
      { field: 'from' as const, text: '\u0002Hannah\u0003 Schmidt \u0002hannah\u0003@studio-nord.example' },
      { field: 'body' as const, text: '…came out great. \u0002Hannah\u0003' },
    ];
    expect(previewHighlight(highlights)).toBe('…came out great. \u0002Hannah\u0003');
    expect(subjectHighlight(highlights)).toBe('Photos from \u0002Lisbon\u0003');
    expect(previewHighlight(highlights.slice(0, 2))).toBe(highlights[1]!.text);
    expect(previewHighlight([highlights[0]!])).toBeNull();
    expect(previewHighlight(null)).toBeNull();
  });

  it('puts coded errors into words, keeping the service’s specifics', () => {
    expect(describeError(new HomingError('AUTH_FAILED'))).toEqual({ code: 'AUTH_FAILED', title: 'The server rejected the user name or password.', detail: null });
    expect(describeError(new HomingError('DNS_NOT_FOUND', 'mail.nowhere.test could not be found.')).detail).toBe('mail.nowhere.test could not be found.');
    expect(describeError(new Error('boom')).code).toBe('INTERNAL');
  });

  it('builds the frame document: a strict CSP, escaped text, quoted lines set off', () => {
    expect(frameCsp(false)).toContain('img-src data: blob:;');
    expect(frameCsp(false)).toContain("script-src 'none'");
    expect(frameCsp(true)).toContain('img-src data: blob: https: http:');
    // Allowing remote content allows images only: never a remote stylesheet or font (hostile corpus h14).
    expect(frameCsp(true)).toContain("style-src 'unsafe-inline';");
    expect(frameCsp(true)).toContain('font-src data:;');
    expect(escapeHtml('<a href="x">')).toBe('&lt;a href=&quot;x&quot;&gt;');
    const html = textToFrameHtml('Hi <b>\n> quoted https://example.org/a?b=1&c=2\nbye');
    expect(html).toContain('Hi &lt;b&gt;');
    expect(html).toContain('<blockquote class="homing-quote">quoted <a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">');
  });

  it('formats sizes and counts', () => {
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(2048)).toBe('2.0 KB');
    expect(formatSize(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(plural(12345, 'message')).toMatch(/^12.345 messages$/);
  });
});

describe('saving account settings the server could not be asked about', () => {
  it('offers Save anyway only when the server was not reached, never for a refused password or a certificate', () => {
    for (const code of ['CONNECTION_REFUSED', 'CONNECTION_LOST', 'TIMEOUT', 'DNS_UNAVAILABLE', 'DNS_NOT_FOUND', 'SERVER_BUSY']) expect(savesUntested({ code, message: '' })).toBe(true);
    for (const code of ['AUTH_FAILED', 'AUTH_PLAINTEXT_REFUSED', 'TLS_CERT_UNTRUSTED', 'TLS_CERT_CHANGED', 'TLS_CERT_HOSTNAME', 'TLS_WRONG_PORT', 'TLS_FAILED', 'PROTOCOL_ERROR']) {
      expect(savesUntested({ code, message: '' })).toBe(false);
    }
  });
});

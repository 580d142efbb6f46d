import { describe, expect, it } from 'vitest';
import { claimedAddress, displayText, SUBJECT_DISPLAY_MAX } from '../../../renderer/mail/display-text';

const RLO = '\u202e';

describe('mail text as the window shows it', () => {
  it('strips bidi embeddings, overrides, isolates and marks, so text reads in the order it is stored', () => {
    expect(displayText(`invoice${RLO}fdp.exe`)).toBe('invoicefdp.exe');
    expect(displayText('a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069i\u200ej\u200fk\u061cl')).toBe('abcdefghijkl');
    // Right-to-left text itself stays; the window isolates each field (dir="auto" on its element).
    expect(displayText('שלום עולם')).toBe('שלום עולם');
  });

  it('puts a name or subject on one line: CR, LF, tabs and other controls become one space', () => {
    expect(displayText('PayPal\r\nBcc: forged@example.org\r\n')).toBe('PayPal Bcc: forged@example.org');
    expect(displayText('a\tb\u0000c\u0085d\u2028e\u001b[2Jf')).toBe('a b c d e [2Jf');
  });

  it('caps a long subject with an ellipsis, never splitting a character in two', () => {
    const long = 'x'.repeat(20_000);
    const shown = displayText(long, SUBJECT_DISPLAY_MAX);
    expect(shown).toHaveLength(SUBJECT_DISPLAY_MAX);
    expect(shown.endsWith('…')).toBe(true);
    const emoji = displayText('😀'.repeat(400), 11);
    expect(emoji).toBe(`${'😀'.repeat(5)}…`);
    expect(displayText('short', SUBJECT_DISPLAY_MAX)).toBe('short');
  });

  it('finds an address in a display name that is not the sender’s own', () => {
    expect(claimedAddress({ name: 'PayPal <service@paypal.com>', address: 'evil@x.example' })).toBe('service@paypal.com');
    expect(claimedAddress({ name: 'service@paypal.com', address: 'evil@x.example' })).toBe('service@paypal.com');
    // Look-alikes: a fullwidth @, a bidi override hiding inside, upper case.
    expect(claimedAddress({ name: 'billing＠bank.example', address: 'evil@x.example' })).toBe('billing@bank.example');
    expect(claimedAddress({ name: 'Bank <info@ba\u200enk.example>', address: 'evil@x.example' })).toBe('info@bank.example');
    // The sender's own address in the name is no lie, in any case; a name without an address is fine.
    expect(claimedAddress({ name: 'Alice (alice@example.org)', address: 'Alice@Example.org' })).toBeNull();
    expect(claimedAddress({ name: 'Alice Example', address: 'alice@example.org' })).toBeNull();
    expect(claimedAddress({ name: '', address: 'alice@example.org' })).toBeNull();
    expect(claimedAddress(null)).toBeNull();
  });
});

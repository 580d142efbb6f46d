import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../shared/account-capabilities';
import type { Account } from '../../../shared/contract/accounts';
import type { Folder } from '../../../shared/contract/messages';
import { acceptsMove } from '../../../renderer/mail/move-targets';
import { localFolders } from '../../../renderer/mail/folder-tree';

const folder = (id: number, accountId: string) => ({ id, accountId }) as Folder;

describe('which folders take a move or a drop', () => {
  it('a folder of the messages’ own account, or of an account that takes mail from others, never the one they are all in', () => {
    // A second server account: what it can do decides, not its protocol (one that took no mail from others is refused).
    const other = { id: 'b', protocol: 'imap', capabilities: { ...capabilitiesOf('pop3'), receivesFromOtherAccounts: false } } as Account;
    const accounts = new Map<string, Account>([
      ['b', other],
      [localFolders.id, localFolders],
    ]);
    const source = { accounts: new Set(['a']), folders: new Set([1]) };
    const accountOf = (id: string) => accounts.get(id);
    expect(acceptsMove(folder(1, 'a'), source, accountOf)).toBe(false);
    expect(acceptsMove(folder(2, 'a'), source, accountOf)).toBe(true);
    expect(acceptsMove(folder(3, localFolders.id), source, accountOf)).toBe(true);
    expect(acceptsMove(folder(4, 'b'), source, accountOf)).toBe(false);
    accounts.set('b', { ...other, capabilities: { ...other.capabilities, receivesFromOtherAccounts: true } });
    expect(acceptsMove(folder(4, 'b'), source, accountOf)).toBe(true);
  });
});

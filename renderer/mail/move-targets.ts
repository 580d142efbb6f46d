import type { Account } from '../../shared/contract/accounts';
import type { Folder } from '../../shared/contract/messages';

/** What is being moved: the accounts and folders the selected messages are in. */
export interface MoveSource {
  accounts: ReadonlySet<string>;
  folders: ReadonlySet<number>;
}

/**
 * Whether messages may be moved into `folder`, for the move picker and for drops alike: a folder of
 * their own accounts, or of an account that takes mail from others (every kind does today: an IMAP
 * account uploads it first, the original goes once it is there), and not the one folder they are all in already.
 */
export function acceptsMove(folder: Folder, source: MoveSource, accountOf: (id: string) => Account | undefined): boolean {
  if (source.accounts.size === 0) return false;
  if (source.folders.size === 1 && source.folders.has(folder.id)) return false;
  return source.accounts.has(folder.accountId) || accountOf(folder.accountId)?.capabilities.receivesFromOtherAccounts === true;
}

/** The type drags of messages carry (their ids as JSON), so only folders answer them. */
export const MESSAGES_DRAG_TYPE = 'application/x-homing-messages';

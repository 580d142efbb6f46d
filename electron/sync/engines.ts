import type { Account } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import type { SyncEngine } from './engine';
import { imapEngine } from './imap/imap-engine';
import { pop3Engine } from './pop3/pop3-engine';

const engines: Record<'imap' | 'pop3', SyncEngine> = { imap: imapEngine, pop3: pop3Engine };

export function engineFor(account: Account): SyncEngine {
  if (account.protocol === 'local') throw new HomingError('INVALID_ARGUMENT', 'Local Folders are not synced with a server.');
  return engines[account.protocol];
}

import { HomingError } from '../../../shared/errors';
import type { SyncEngine } from '../engine';

/** IMAP sync on imapflow (issue: IMAP sync). */
export const imapEngine: SyncEngine = {
  async syncOnce() {
    throw new HomingError('INTERNAL', 'IMAP sync is not available in this version of Homing yet.');
  },
};

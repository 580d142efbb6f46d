import { HomingError } from '../../../shared/errors';
import type { SyncEngine } from '../engine';

/** POP3 download on our own client (issue: POP3). */
export const pop3Engine: SyncEngine = {
  async syncOnce() {
    throw new HomingError('INTERNAL', 'POP3 sync is not available in this version of Homing yet.');
  },
};

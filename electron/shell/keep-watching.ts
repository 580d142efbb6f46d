import type { MailService } from '../../shared/contract';
import type { Clock } from './clock';
import { createWorkerSupervisor, type SupervisorEvent, type WorkerSupervisor } from './worker-supervisor';

/**
 * The supervisor over a mail service that opens after it is made (the service's onWorkerExit needs the
 * supervisor): every account watched from the start, a dead worker restarted and watching again, and
 * `reconnectAccounts` when the computer wakes or the network returns. The app (main.ts) and `dev:web`
 * (the e2e tests' backend) run the same one, so what the tests see is what the app does.
 */
export function superviseWatching(service: () => MailService | null, clock: Clock, onEvent?: (event: SupervisorEvent) => void): WorkerSupervisor {
  return createWorkerSupervisor({
    startWatching: async () => service()?.startWatching({}),
    reconnect: async (reason) => service()?.reconnectAccounts({ reason }),
    clock,
    ...(onEvent ? { onEvent } : {}),
  });
}

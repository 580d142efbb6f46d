import type { MailService } from '../../shared/contract';
import type { Clock } from './clock';
import { createWorkerSupervisor, type SupervisorEvent, type WorkerSupervisor } from './worker-supervisor';

/** What the supervisor drives: a MailServiceHandle (service/mail-service.ts). */
export interface Watched {
  readonly service: Pick<MailService, 'reconnectAccounts'>;
  /** Every account watched, here or by the process that holds the data directory (then here once it goes). */
  keepWatching(): Promise<void>;
}

/**
 * The supervisor over a mail service that opens after it is made (the service's onWorkerExit needs the
 * supervisor): every account watched from the start, a dead worker restarted and watching again, and
 * `reconnectAccounts` when the computer wakes or the network returns. The app (main.ts) and `dev:web`
 * (the e2e tests' backend) run the same one, so what the tests see is what the app does.
 */
export function superviseWatching(handle: () => Watched | null, clock: Clock, onEvent?: (event: SupervisorEvent) => void): WorkerSupervisor {
  return createWorkerSupervisor({
    startWatching: async () => handle()?.keepWatching(),
    reconnect: async (reason) => handle()?.service.reconnectAccounts({ reason }),
    clock,
    ...(onEvent ? { onEvent } : {}),
  });
}

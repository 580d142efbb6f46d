import { net, powerMonitor } from 'electron';
import { systemClock } from './clock';
import { watchOnline } from './online-watcher';
import type { WorkerSupervisor } from './worker-supervisor';

/**
 * Tells the supervisor when the computer sleeps and wakes and when the network goes and comes back.
 * After a sleep or a network change, IDLE connections are dead without knowing it: every account
 * reconnects at once rather than after its backoff or its next NOOP check (worker-supervisor.ts).
 */
export function connectPowerAndNetwork(supervisor: WorkerSupervisor): () => void {
  const onSuspend = () => supervisor.suspend();
  const onResume = () => supervisor.resume();
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  const stopWatching = watchOnline(() => net.isOnline(), (online) => supervisor.networkChanged(online), systemClock);
  return () => {
    powerMonitor.off('suspend', onSuspend);
    powerMonitor.off('resume', onResume);
    stopWatching();
  };
}

import { net, powerMonitor } from 'electron';
import { systemClock } from './clock';
import { watchOnline } from './online-watcher';
import type { WorkerSupervisor } from './worker-supervisor';

/**
 * Tells the supervisor when the computer sleeps and wakes and when the network goes and comes back.
 * After a sleep, IDLE connections are dead without knowing it: resuming restarts the watch loops, which
 * reconnect at once rather than after the next timeout.
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

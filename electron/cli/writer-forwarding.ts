import type { ClientTransport } from '../../shared/client';
import { contract, type MethodName, type Unsubscribe } from '../../shared/contract';
import type { Envelope, ErrorData } from '../../shared/errors';
import { connectToWriter, type LockHolder, type WriterConnection } from '../command-socket/connect';

export interface ForwardingTransport extends ClientTransport {
  close(): void;
}

/**
 * How the CLI reaches the writer. A command (a method that writes) runs on this process's own writer
 * when it can take the data directory's lock. When another Homing process holds the lock (the app,
 * dev:web, `homing sync --watch`) and serves the command socket, the command is handed to it instead,
 * and so is every later command of this run: it passes the same gate there, and its answer, its
 * errors and its events (sync progress) come back as if it had run here. Taking the lock fails before
 * anything is done, so a command is never carried out twice. Queries always read the store here.
 *
 * Every Homing process serves the socket while it holds the lock (a `homing sync` from cron too), so a
 * holder that serves none is another version or on another computer: DATA_DIR_LOCKED as it was, with the
 * reason added.
 */
export function forwardingTransport(dataDir: string, local: ClientTransport): ForwardingTransport {
  let writer: WriterConnection | null = null;
  let connecting: Promise<WriterConnection | string> | null = null;
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const forwardedStops: Unsubscribe[] = [];

  const forwardTo = (connection: WriterConnection) => {
    writer = connection;
    // Subscribed before the first forwarded call goes out: the holder reads frames in order, so no event
    // of that call (the first progress of a sync) is missed.
    for (const listener of listeners) forwardedStops.push(connection.subscribe(listener));
  };

  const invokeWriting = async (
    method: MethodName,
    args: unknown,
    stoppedPid: number | null = null,
    deadline = 0,
    refused: { pid: number; reason: string } | null = null,
  ): Promise<Envelope<unknown>> => {
    if (writer) {
      const answer = await writer.invoke(method, args);
      if (answer.ok || answer.error.code !== 'WRITER_STOPPING') return answer;
      // Not carried out: the holder is quitting. Run here once its lock is free (or on whoever holds it next).
      const stopped = writer;
      forwardedStops.forEach((stop) => stop());
      forwardedStops.length = 0;
      if (writer === stopped) writer = null;
      stopped.close();
      return invokeWriting(method, args, stopped.pid, Date.now() + STOPPING_WAIT_MS);
    }
    const here = await local.invoke(method, args);
    const holder = here.ok ? null : lockHolder(here.error);
    if (here.ok || !holder) return here;
    if (holder.pid === refused?.pid) return { ok: false, error: { ...here.error, message: `${here.error.message} ${refused.reason}` } };
    if (holder.pid === stoppedPid && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return invokeWriting(method, args, stoppedPid, deadline);
    }
    connecting ??= connectToWriter(dataDir, holder).then((link) => ('connection' in link ? link.connection : link.refusal));
    const outcome = await connecting;
    connecting = null;
    if (typeof outcome === 'string') {
      // A holder that serves closes its socket only once its lock is free, and a new one may have taken the
      // lock meanwhile: the lock is tried again (taking it does nothing before it succeeds); still this
      // process's, the refusal stands.
      return invokeWriting(method, args, stoppedPid, deadline, { pid: holder.pid, reason: outcome });
    }
    if (!writer) forwardTo(outcome);
    return invokeWriting(method, args, stoppedPid, deadline);
  };

  return {
    invoke(method, args) {
      if (contract.methods[method].writes) return invokeWriting(method, args);
      return local.invoke(method, args);
    },
    subscribe(listener) {
      listeners.add(listener);
      const stopLocal = local.subscribe(listener);
      const stopForwarded = writer?.subscribe(listener);
      return () => {
        listeners.delete(listener);
        stopLocal();
        stopForwarded?.();
      };
    },
    close() {
      forwardedStops.forEach((stop) => stop());
      writer?.close();
      writer = null;
    },
  };
}

/** How long a command the holder refused as it quit (WRITER_STOPPING) waits for its lock to be free. */
const STOPPING_WAIT_MS = 30_000;

/** The lock's owner, when the error says that another live process holds it. */
function lockHolder(error: ErrorData): LockHolder | null {
  if (error.code !== 'DATA_DIR_LOCKED' || typeof error.detail?.pid !== 'number') return null;
  return { pid: error.detail.pid, ...(typeof error.detail.since === 'string' ? { since: error.detail.since } : {}) };
}

/**
 * What the sync worker hands the checkpoint thread when it starts it (workerData). Both ends are our own
 * threads of one process, started together: no validation library is loaded into the small thread.
 */
export interface CheckpointerInit {
  dbPath: string;
  nativeBinding?: string;
}

/** `committed`: the writer committed a transaction; `close`: close the connection and end the thread. */
export type ToCheckpointer = { type: 'committed' } | { type: 'close' };

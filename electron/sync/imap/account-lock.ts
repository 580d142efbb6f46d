/**
 * One piece of IMAP work per account at a time inside the worker: a sync pass, or a burst of work of
 * the watch session (replaying actions, syncing INBOX after an IDLE event). Both write the same
 * folders and replay the same queue; serialising them keeps an operation from being replayed twice
 * and a message from being fetched by two connections at once. Waiting in IDLE holds no lock.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withAccountLock<T>(accountId: string, work: () => Promise<T>): Promise<T> {
  const before = tails.get(accountId) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = before.then(() => mine);
  tails.set(accountId, tail);
  try {
    await before;
    return await work();
  } finally {
    release();
    if (tails.get(accountId) === tail) tails.delete(accountId);
  }
}

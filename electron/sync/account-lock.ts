/**
 * One piece of sync work per account at a time inside the worker.
 * IMAP: a sync pass, or a burst of the watch session (replaying actions, syncing INBOX after an IDLE
 * event). Both write the same folders and replay the same queue; serialising them keeps an operation
 * from being replayed twice and a message from being fetched by two connections at once. Waiting in
 * IDLE holds no lock.
 * POP3: a sync pass, or completing a message on demand. Many servers lock the maildrop for a whole
 * session ([IN-USE], RFC 2449 §8), so a second session would fail anyway; and the temp folder of a pass
 * is cleared when the next one starts.
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

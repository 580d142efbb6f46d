import { HomingError } from '../../shared/errors';

/** What a sync pass had committed when the disk filled. */
export interface SavedSoFar {
  /** New messages stored by this pass. */
  messages: number;
  /** Bodies of messages stored before as headers only, downloaded by this pass (IMAP). */
  bodies?: number;
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * A DISK_FULL that ended a sync pass, said truthfully: every batch committed before the disk filled
 * stays (each transaction is whole or absent), so the message says how many, not that nothing changed.
 * Any other error, or one that already says it, is returned as it is.
 */
export function diskFullAfter(error: unknown, saved: SavedSoFar): unknown {
  if (!(error instanceof HomingError) || error.code !== 'DISK_FULL' || error.detail?.saved !== undefined) return error;
  const what =
    saved.bodies === undefined
      ? count(saved.messages, 'message', 'messages')
      : `${count(saved.messages, 'new message', 'new messages')} and ${count(saved.bodies, 'message body', 'message bodies')}`;
  const verb = saved.bodies === undefined && saved.messages === 1 ? 'was' : 'were';
  return new HomingError(
    'DISK_FULL',
    `The disk is full. ${what} ${verb} saved before the disk filled; they are kept. Free some space, then sync again for the rest.`,
    { ...error.detail, saved },
    { cause: error },
  );
}

import type { PendingOperation } from '../../shared/contract/sync';

/** The refused changes that name this message (an account's pending operations, as the service lists them). */
export const refusedChangesOf = (ops: readonly PendingOperation[], messageId: number) =>
  ops.filter((op) => op.state === 'refused' && op.messageIds.includes(messageId));

/**
 * What the reader says about changes the server refused. A refused read/flag/tag change was already put
 * back when it was refused (each message to its own earlier state); a refused move or delete leaves the
 * message where the user put it until the change is discarded, which puts it back where the server has
 * it. Either way the mark stays until the user discards the change.
 */
export function refusedChangeWords(refused: readonly PendingOperation[]): string {
  const reasons = [...new Set(refused.map((op) => op.error?.message.trim()).filter((m): m is string => !!m))];
  const said = reasons.length > 0 ? ` (${reasons.join(' ')})` : '';
  const onlyFlags = refused.length > 0 && refused.every((op) => op.kind === 'flags');
  if (onlyFlags) return `The server refused a change to this message${said}. It shows the server’s state again; discard the change to clear this note.`;
  return `The server refused a change to this message${said}. Here it stays as you left it until you discard the change, which puts it back as the server has it.`;
}

/**
 * The operation changed while its replay was asking the server (an undo or a later action cancelled or
 * rewrote it before it was marked sent): nothing of it was sent, and the next round replays what it is now.
 */
export class OperationChanged extends Error {
  constructor() {
    super('The operation changed before it was sent.');
  }
}

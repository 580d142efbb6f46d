/**
 * Thrown by the reading commands' own start-up path (entry.ts, local-context.ts) when the command needs
 * the mail service after all: the `homing` executable then runs the same command line again through the
 * service. Thrown only before the command has written anything, so the output is the service's alone.
 */
export class HandOver extends Error {
  constructor(reason: string) {
    super(`handed over to the mail service: ${reason}`);
    this.name = 'HandOver';
  }
}

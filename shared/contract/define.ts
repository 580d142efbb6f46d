import type * as z from 'zod';

/**
 * A service method in the contract: the validator for its arguments (checked on the trusted side before
 * the service sees them) and, as a type only, its result.
 *
 * `writes` splits methods in two. Queries are answered by the main thread from its read-only connection.
 * Commands change the store, so they are carried out by the single writer (the sync worker) and fail with
 * DATA_DIR_LOCKED while another process holds the data directory (the CLI hands them to that process
 * when it serves the command socket: electron/command-socket).
 */
export interface MethodSpec<A extends z.ZodType, R, W extends boolean> {
  readonly args: A;
  readonly writes: W;
  /**
   * The arguments name files on this computer to read or write (import, export). Only a caller that
   * speaks for the user at a keyboard (the CLI, the shell's own file dialogs) may call it; the gate
   * refuses it to the window and the bridge (see `dispatch`).
   */
  readonly namesFiles?: true;
  /** Phantom: never read at run time; carries the result type. */
  readonly result?: R;
}

/** An event the service emits after a change. */
export interface EventSpec<P extends z.ZodType> {
  readonly payload: P;
}

/** A method that only reads: `query(z.strictObject({...})).returns<Result>()`. */
export function query<A extends z.ZodType>(args: A) {
  return { returns: <R>(): MethodSpec<A, R, false> => ({ args, writes: false }) };
}

/** A method that writes the store (through the worker): `command(z.strictObject({...})).returns<Result>()`. */
export function command<A extends z.ZodType>(args: A) {
  return { returns: <R>(): MethodSpec<A, R, true> => ({ args, writes: true }) };
}

/** Marks a method whose arguments are paths on this computer: `namingFiles(command(...).returns<R>())`. */
export function namingFiles<S extends MethodSpec<z.ZodType, unknown, boolean>>(spec: S): S & { readonly namesFiles: true } {
  return { ...spec, namesFiles: true };
}

export function event<P extends z.ZodType>(payload: P): EventSpec<P> {
  return { payload };
}

/**
 * What an action asks before it acts: a name (a new folder, a renamed one, a new tag) or a yes to
 * something that cannot be taken back lightly (delete a folder, empty the Trash). `submit` does the work;
 * when it throws, the dialog stays open and says why (a name already taken, a server that refused).
 */
export type Question =
  | { kind: 'name'; title: string; label: string; initial: string; confirm: string; submit(name: string): Promise<void> }
  | { kind: 'confirm'; title: string; message: string; confirm: string; submit(): Promise<void> };

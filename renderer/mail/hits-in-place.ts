/**
 * The hits a search view keeps showing. Search spans every folder, the Trash included, so a message
 * deleted from the results would stay there, selected, now in the Trash, and a second Delete would remove
 * it for good. A hit that has left the folder it was in when it first appeared (deleted, moved, marked as
 * junk) leaves the results instead, as it leaves a folder's list; one that comes back (Undo) shows again.
 */
export class HitsInPlace {
  private readonly firstFolder = new Map<number, number>();

  keep<T extends { id: number; folderId: number }>(hits: readonly T[]): T[] {
    return hits.filter((hit) => {
      const first = this.firstFolder.get(hit.id);
      if (first === undefined) this.firstFolder.set(hit.id, hit.folderId);
      return first === undefined || first === hit.folderId;
    });
  }

  /** The message was a hit at some point (shown or left): a change to it may change the results. */
  seen(id: number): boolean {
    return this.firstFolder.has(id);
  }
}

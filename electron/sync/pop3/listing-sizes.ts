/**
 * The sizes of a LIST, by message number, in one growing Float64Array (8 bytes a message) instead of an
 * object per message: a maildrop's message numbers run from 1 to its count (RFC 1939 §5). A number far
 * past the count so far (a broken server) goes to a Map instead of growing the array to match it.
 */
export class ListingSizes {
  private sizes = new Float64Array(1024).fill(Number.NaN);
  private count = 0;
  private readonly stray = new Map<number, number>();

  set(msgno: number, size: number): void {
    if (msgno >= this.sizes.length) {
      if (msgno > 2 * this.count + 1024) {
        this.stray.set(msgno, size);
        return;
      }
      let length = this.sizes.length;
      while (length <= msgno) length *= 2;
      const grown = new Float64Array(length).fill(Number.NaN);
      grown.set(this.sizes);
      this.sizes = grown;
    }
    if (Number.isNaN(this.sizes[msgno]!)) this.count++;
    this.sizes[msgno] = size;
  }

  get(msgno: number): number | undefined {
    if (msgno >= this.sizes.length) return this.stray.get(msgno);
    const size = this.sizes[msgno]!;
    return Number.isNaN(size) ? undefined : size;
  }

  /** Every listed message, in message-number order. */
  entries(): Array<{ msgno: number; size: number }> {
    const entries: Array<{ msgno: number; size: number }> = [];
    this.sizes.forEach((size, msgno) => {
      if (!Number.isNaN(size)) entries.push({ msgno, size });
    });
    for (const [msgno, size] of [...this.stray].sort((a, b) => a[0] - b[0])) entries.push({ msgno, size });
    return entries;
  }
}

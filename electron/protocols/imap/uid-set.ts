/** A UID list as an IMAP sequence set, runs collapsed (`1:5,9,12:14`). */
export function uidSet(uids: Iterable<number>): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Splits a list into pieces of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Splits items into pieces whose UID set (uidSet) is at most `maxChars` long, each piece's UIDs in
 * ascending order: a command's line is bounded by what it says, not by how many UIDs it names, so a
 * move of 1,300 mostly consecutive messages is one command, not three. A single UID always fits.
 */
export function uidChunks<T>(items: readonly T[], uidOf: (item: T) => number, maxChars: number): T[][] {
  const sorted = [...items].sort((a, b) => uidOf(a) - uidOf(b));
  const digits = (n: number) => String(n).length;
  const out: T[][] = [];
  let piece: T[] = [];
  let length = 0;
  let start = 0;
  let end = 0;
  for (const item of sorted) {
    const uid = uidOf(item);
    if (piece.length > 0) {
      // What adding this UID makes of the set's text: the run goes on (`start:uid`), or a new part (`,uid`).
      const runPart = (to: number) => (to === start ? digits(start) : digits(start) + 1 + digits(to));
      const grown = uid === end + 1 ? length - runPart(end) + runPart(uid) : length + 1 + digits(uid);
      if (grown <= maxChars) {
        piece.push(item);
        length = grown;
        if (uid !== end + 1) start = uid;
        end = uid;
        continue;
      }
      out.push(piece);
    }
    piece = [item];
    length = digits(uid);
    start = end = uid;
  }
  if (piece.length > 0) out.push(piece);
  return out;
}

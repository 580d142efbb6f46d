/** 1: base64 alphabet, 2: line break, 3: padding; 0: anything else. */
const BASE64_CLASS = (() => {
  const table = new Uint8Array(256);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') table[c.charCodeAt(0)] = 1;
  table[0x0d] = 2;
  table[0x0a] = 2;
  table[0x3d] = 3;
  return table;
})();

/**
 * 1 where both bytes of a 16-bit value are base64 alphabet. Symmetric in its two bytes, so it reads the
 * same on either byte order; two lookups check four bytes read as one 32-bit word.
 */
const BASE64_PAIR = (() => {
  const table = new Uint8Array(65536);
  // The 64 × 64 pairs of alphabet bytes, rather than a test of all 65,536 values: built when the module
  // loads, in every `homing show` too, where the full loop was ~3–6 ms of CPU.
  const alphabet: number[] = [];
  for (let c = 0; c < 256; c++) if (BASE64_CLASS[c] === 1) alphabet.push(c);
  for (const low of alphabet) for (const high of alphabet) table[low | (high << 8)] = 1;
  return table;
})();

export interface Base64Run {
  /** The first byte that is neither base64, a line break nor trailing padding (or `end`). */
  stop: number;
  /** What a base64 decoder makes of the run. */
  decodedSize: number;
}

/**
 * Reads base64 characters and line breaks from `start` up to the first other byte (or `end`): where that
 * is, and what a base64 decoder makes of them (every 4 characters are 3 bytes, a last 2 or 3 are 1 or
 * 2). Null when padding is followed by more characters or the count cannot be decoded whole: decoders
 * differ there, so the part is not cut.
 *
 * This loop is most of a sync's skeleton time (attachments are most of mail's bytes), so it checks four
 * bytes per step, as 32-bit words of the buffer's memory, and goes byte by byte only around line breaks
 * and to reach a word boundary: twice the speed of a byte loop.
 */
export function readBase64(buf: Buffer, start: number, end: number): Base64Run | null {
  const base = buf.byteOffset;
  // Words start at 4-aligned addresses of the underlying memory (a typed array view must be aligned).
  const firstWord = (base + 3) & ~3;
  const wordCount = Math.max(0, (base + buf.length - firstWord) >> 2);
  const words = wordCount > 0 ? new Uint32Array(buf.buffer, firstWord, wordCount) : new Uint32Array(0);
  const wordsEnd = Math.max(0, (base + end - firstWord) >> 2);
  let n = 0;
  let i = start;
  for (;;) {
    while (((base + i) & 3) !== 0 && i < end && BASE64_CLASS[buf[i]!] === 1) {
      i++;
      n++;
    }
    if (((base + i) & 3) === 0) {
      let w = (base + i - firstWord) >> 2;
      const from = w;
      while (w < wordsEnd) {
        const word = words[w]!;
        if ((BASE64_PAIR[word & 0xffff]! & BASE64_PAIR[word >>> 16]!) !== 1) break;
        w++;
      }
      i += (w - from) * 4;
      n += (w - from) * 4;
    }
    while (i < end && BASE64_CLASS[buf[i]!] === 1) {
      i++;
      n++;
    }
    if (i >= end) break;
    const c = BASE64_CLASS[buf[i]!];
    if (c === 2) {
      i++;
      continue;
    }
    if (c !== 3) break;
    // Padding: only more padding and line breaks may follow it, up to the first other byte.
    for (; i < end; i++) {
      const after = BASE64_CLASS[buf[i]!];
      if (after === 1) return null;
      if (after === 0) break;
    }
    break;
  }
  if (n % 4 === 1) return null;
  return { stop: i, decodedSize: Math.floor((n * 3) / 4) };
}

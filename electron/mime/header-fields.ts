import { declaredCharset, decodeBytes, decodeWords } from './header-words';

/**
 * The header fields of a message's header block, by lower-cased name, each value unfolded (RFC 5322
 * section 2.2.3), its encoded-words decoded (RFC 2047) and its runs of white space made one space.
 * Lines that are not fields (no colon, or a name with spaces) are skipped, as every reader does.
 */
export function headerFields(block: Buffer | string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const [key, raw] of rawFields(block)) fields.set(key, raw.map(decodeValue));
  return fields;
}

/**
 * headerFields, with each field's values decoded only when that field is first read: rules and the junk
 * filter ask for a handful of fields (`header:` tests, the mailer, the content type, the spam verdict) of
 * a block of dozens, and decoding every Received and DKIM line was most of the cost. Reads the same.
 */
export function lazyHeaderFields(block: Buffer | string): ReadonlyMap<string, readonly string[]> {
  return new LazyFields(rawFields(block));
}

class LazyFields extends Map<string, string[]> {
  constructor(private readonly raw: Map<string, string[]>) {
    super();
  }

  override get(key: string): string[] | undefined {
    let values = super.get(key);
    if (values === undefined) {
      const raw = this.raw.get(key);
      if (raw === undefined) return undefined;
      values = raw.map(decodeValue);
      super.set(key, values);
    }
    return values;
  }

  override has(key: string): boolean {
    return this.raw.has(key);
  }

  override get size(): number {
    return this.raw.size;
  }

  override forEach(callback: (value: string[], key: string, map: Map<string, string[]>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  override *entries(): MapIterator<[string, string[]]> {
    for (const key of this.raw.keys()) yield [key, this.get(key)!];
  }

  override keys(): MapIterator<string> {
    return this.raw.keys();
  }

  override *values(): MapIterator<string[]> {
    for (const key of this.raw.keys()) yield this.get(key)!;
  }

  override [Symbol.iterator](): MapIterator<[string, string[]]> {
    return this.entries();
  }
}

/** The block's fields by lower-cased name, each value unfolded but not yet decoded. */
function rawFields(block: Buffer | string): Map<string, string[]> {
  const text = typeof block === 'string' ? block : decodeBytes(block, declaredCharset(block));
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  const fields = new Map<string, string[]>();
  for (const line of head.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon);
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    const value = line.slice(colon + 1);
    const key = name.toLowerCase();
    const list = fields.get(key);
    if (list) list.push(value);
    else fields.set(key, [value]);
  }
  return fields;
}

function decodeValue(raw: string): string {
  return decodeWords(raw.replace(/\r?\n[ \t]/g, ' ')).replace(/\s+/g, ' ').trim();
}

/**
 * `header:NAME[:TEXT]`: some field called NAME (any case) exists, and when TEXT is given, one of them
 * contains it, case and runs of white space ignored.
 */
export function headerMatches(fields: ReadonlyMap<string, readonly string[]>, name: string, text: string | null): boolean {
  const values = fields.get(name.toLowerCase());
  if (!values || values.length === 0) return false;
  if (text === null) return true;
  const needle = text.replace(/\s+/g, ' ').trim().toLowerCase();
  return values.some((value) => value.toLowerCase().includes(needle));
}

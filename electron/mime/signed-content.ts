/*
 * The signed content of an opaque S/MIME signature (RFC 8551 §3.5.2: application/pkcs7-mime;
 * smime-type=signed-data, the message itself inside the CMS SignedData of RFC 5652 §5). Outlook and
 * openssl `smime -sign -nodetach` send it so; without reading it the message shows no text at all, only
 * smime.p7m. The signature is not checked here: the content is shown as what the message says, and the
 * .p7m stays an attachment for a program that checks it.
 */

/** id-signedData, 1.2.840.113549.1.7.2 (RFC 5652 §5.1), as its DER contents. */
const SIGNED_DATA = Buffer.from('2a864886f70d010702', 'hex');
/** No real SignedData nests deeper than this; a hostile one cannot make the walk recurse without end. */
const MAX_DEPTH = 32;

interface Node {
  tag: number;
  /** Where the contents start and end (for an indefinite length: before its end-of-contents octets). */
  start: number;
  end: number;
  /** Where the next node starts. */
  next: number;
}

/** The encapsulated content (a MIME entity) of a DER or BER ContentInfo holding SignedData, or null. */
export function signedContent(bytes: Buffer): Buffer | null {
  try {
    const info = node(bytes, 0, bytes.length, 0);
    if (!info || info.tag !== 0x30) return null;
    const [type, explicit] = children(bytes, info, 0);
    if (!type || type.tag !== 0x06 || !bytes.subarray(type.start, type.end).equals(SIGNED_DATA)) return null;
    if (!explicit || explicit.tag !== 0xa0) return null;
    const signedData = children(bytes, explicit, 1)[0];
    if (!signedData || signedData.tag !== 0x30) return null;
    // SignedData: version, digestAlgorithms, encapContentInfo, ...
    const encap = children(bytes, signedData, 2)[2];
    if (!encap || encap.tag !== 0x30) return null;
    const eContent = children(bytes, encap, 3)[1]; // absent for a detached signature
    if (!eContent || eContent.tag !== 0xa0) return null;
    const octets = children(bytes, eContent, 4)[0];
    return octets ? octetString(bytes, octets, 5) : null;
  } catch {
    return null; // not BER (a cut or garbled .p7m): nothing to show
  }
}

/** An OCTET STRING's bytes: primitive, or BER's constructed form (chunks, as Outlook streams it). */
function octetString(bytes: Buffer, at: Node, depth: number): Buffer | null {
  if (at.tag === 0x04) return bytes.subarray(at.start, at.end);
  if (at.tag !== 0x24 || depth > MAX_DEPTH) return null;
  const parts: Buffer[] = [];
  for (const child of children(bytes, at, depth)) {
    const part = octetString(bytes, child, depth + 1);
    if (!part) return null;
    parts.push(part);
  }
  return Buffer.concat(parts);
}

function children(bytes: Buffer, parent: Node, depth: number): Node[] {
  const out: Node[] = [];
  for (let pos = parent.start; pos < parent.end; ) {
    const child = node(bytes, pos, parent.end, depth + 1);
    if (!child) throw new Error('not BER');
    out.push(child);
    pos = child.next;
  }
  return out;
}

/** The node at `pos` (single-octet tags only: CMS uses no others), within `limit`. */
function node(bytes: Buffer, pos: number, limit: number, depth: number): Node | null {
  if (depth > MAX_DEPTH || pos + 2 > limit) return null;
  const tag = bytes[pos]!;
  if ((tag & 0x1f) === 0x1f) return null;
  const first = bytes[pos + 1]!;
  let start = pos + 2;
  if (first === 0x80) {
    // Indefinite length (BER, constructed only): the contents run to the end-of-contents octets 00 00.
    if ((tag & 0x20) === 0) return null;
    let at = start;
    while (at + 2 <= limit && !(bytes[at] === 0 && bytes[at + 1] === 0)) {
      const child = node(bytes, at, limit, depth + 1);
      if (!child) return null;
      at = child.next;
    }
    if (at + 2 > limit) return null;
    return { tag, start, end: at, next: at + 2 };
  }
  let length = first;
  if (first > 0x80) {
    const count = first & 0x7f;
    if (count > 4 || start + count > limit) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    start += count;
  }
  const end = start + length;
  return end > limit ? null : { tag, start, end, next: end };
}

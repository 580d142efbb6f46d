/**
 * Modified UTF-7 (RFC 3501 section 5.1.3), as IMAP writes mailbox names and Thunderbird writes tag keys:
 * printable ASCII as itself, `&` as `&-`, any other run as `&` + modified base64 of its UTF-16 + `-`.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

/** Text in modified UTF-7. */
export function encodeModifiedUtf7(text: string): string {
  return text.replace(/&/g, '&-').replace(/[^\x20-\x7e]+/g, (run) => {
    const bytes: number[] = [];
    for (let i = 0; i < run.length; i++) {
      const unit = run.charCodeAt(i);
      bytes.push(unit >> 8, unit & 0xff);
    }
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
      out += BASE64[a >> 2]! + BASE64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
      if (b !== undefined) out += BASE64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
      if (c !== undefined) out += BASE64[c & 63]!;
    }
    return `&${out}-`;
  });
}

/** The reverse of encodeModifiedUtf7; text that is not valid modified UTF-7 is returned as it is. */
export function decodeModifiedUtf7(text: string): string {
  if (!text.includes('&')) return text;
  let failed = false;
  const decoded = text.replace(/&([A-Za-z0-9+,]*)-/g, (_whole, encoded: string) => {
    if (encoded === '') return '&';
    let bits = 0;
    let value = 0;
    const bytes: number[] = [];
    for (const ch of encoded) {
      value = (value << 6) | BASE64.indexOf(ch);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push((value >> bits) & 0xff);
      }
    }
    if (bytes.length % 2 !== 0) failed = true;
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return out;
  });
  return failed ? text : decoded;
}

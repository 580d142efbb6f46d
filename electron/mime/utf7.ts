/**
 * UTF-7 (RFC 2152), which old Outlook and Windows mailers still label text with (`utf-7`,
 * `unicode-1-1-utf-7`): ASCII as it is, other characters as `+` modified base64 of their UTF-16 units,
 * up to a `-` (dropped) or any character outside base64 (kept); `+-` is a plus sign. Neither mailparser
 * nor libmime decodes it (they refuse it, so that a filter looking for `<` in the bytes is not passed by
 * `+ADw-script`): the text showed as 'Hi Mom -+Jjo--!'. Homing shows decoded text through its sanitiser
 * and sandbox (invariant 5), never the bytes, so decoding it adds nothing a UTF-8 message could not send.
 */
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) VALUE[BASE64.charCodeAt(i)] = i;

export function decodeUtf7(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c !== '+') {
      out += c;
      i++;
      continue;
    }
    i++;
    if (text[i] === '-') {
      out += '+';
      i++;
      continue;
    }
    let bits = 0;
    let count = 0;
    const units: number[] = [];
    while (i < text.length) {
      const code = text.charCodeAt(i);
      const value = code < 128 ? VALUE[code]! : -1;
      if (value < 0) break;
      bits = ((bits << 6) | value) & 0xffffff;
      count += 6;
      if (count >= 16) {
        count -= 16;
        units.push((bits >> count) & 0xffff);
      }
      i++;
    }
    out += String.fromCharCode(...units);
    if (text[i] === '-') i++;
  }
  return out;
}

/** True for the labels UTF-7 goes by (case and punctuation ignored). */
export function meansUtf7(charset: string | undefined | null): boolean {
  return /^(?:(?:cs)?unicode11)?utf7$/.test((charset ?? '').toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** What `uuencode` writes (POSIX: 45 bytes a line, a length character, '`' for zero). */
export function uuencode(bytes: Buffer, name: string, eol = '\r\n'): string {
  const char = (v: number) => (v === 0 ? '`' : String.fromCharCode(v + 32));
  let out = `begin 644 ${name}${eol}`;
  for (let i = 0; i < bytes.length; i += 45) {
    const chunk = bytes.subarray(i, i + 45);
    let line = char(chunk.length);
    for (let j = 0; j < chunk.length; j += 3) {
      const [a, b = 0, c = 0] = [chunk[j]!, chunk[j + 1], chunk[j + 2]];
      line += char(a >> 2) + char(((a & 3) << 4) | (b >> 4)) + char(((b & 15) << 2) | (c >> 6)) + char(c & 63);
    }
    out += line + eol;
  }
  return `${out}\`${eol}end${eol}`;
}

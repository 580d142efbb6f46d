/**
 * Text from mail (and from servers) on its way to a terminal. A terminal takes C0 controls (ESC starts
 * every escape sequence: window titles, clearing the screen, OSC 8 links, hidden text), DEL and the C1
 * controls (U+0080–U+009F; U+009B is a one-character CSI in many terminals) as commands, so none of them
 * may reach it from a message: each is shown as a visible escape (`\x1b`, `\u009b`) instead. `--raw`
 * output is the stored bytes and is never passed through here.
 */

// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const EVERY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- all but tab and line feed
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** DEL and C1, which JSON.stringify leaves as they are. */
const JSON_UNESCAPED_CONTROL = /[\u007f-\u009f]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * One field on one line (a subject, a name, a folder, an error message): every control escaped, line
 * breaks and tabs too, so a value can neither start a new header line nor a new column.
 */
export function inlineText(text: string): string {
  return text.replace(EVERY_CONTROL, visible);
}

/** Running text (a message body): line breaks (CRLF as LF) and tabs kept, every other control escaped. */
export function blockText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL_BUT_LAYOUT, visible);
}

/**
 * JSON for scripts: the exact values, with DEL and the C1 controls written as `\u` escapes as well
 * (JSON.stringify escapes only C0), so piping it to a terminal is as safe as the human output. Those
 * characters can only occur inside strings, where the escape means the same character.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNESCAPED_CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Writes JSON the way scripts like it: one document, two-space indent, trailing newline, every control escaped. */
export function printJson(ctx: { stdout: NodeJS.WritableStream }, value: unknown): void {
  ctx.stdout.write(`${jsonText(value, 2)}\n`);
}

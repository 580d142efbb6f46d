import { HomingError } from '../../shared/errors';

/**
 * Splits a password command (`pass show mail/me`) into the program and its arguments, the way a POSIX
 * shell splits words, so it can be run without a shell (nothing in it is expanded or interpreted):
 * - blanks (spaces, tabs) separate words;
 * - `'…'` keeps everything inside as it is;
 * - `"…"` keeps everything inside except `\"` and `\\`, which stand for `"` and `\`;
 * - outside quotes, `\` makes the next character an ordinary one (`my\ file`).
 * A shell's operators (`|`, `;`, `&`, `<`, `>`, `` ` ``, `$`, `(`, `)`) outside quotes are refused rather
 * than passed on as arguments: a user who wants a pipe writes `sh -c '…'` and so asks for a shell.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const fail = (why: string) => {
    throw new HomingError('INVALID_ARGUMENT', `The password command cannot be used: ${why}.`);
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) fail('a single quote is not closed');
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= line.length) fail('a double quote is not closed');
        const d = line[i]!;
        if (d === '"') break;
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          text += line[i + 1];
          i += 2;
        } else {
          text += d;
          i++;
        }
      }
      word = (word ?? '') + text;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) fail('it ends with a backslash');
      word = (word ?? '') + line[i + 1];
      i += 2;
    } else if ('|;&<>`$()'.includes(c)) {
      fail(`"${c}" would need a shell; quote it, or write sh -c '…' to run one on purpose`);
    } else if (c === '\n' || c === '\r') {
      fail('it spans more than one line');
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== null) words.push(word);
  if (words.length === 0) fail('it is empty');
  return words;
}

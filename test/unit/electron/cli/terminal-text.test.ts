import { describe, expect, it } from 'vitest';
import { blockText, inlineText, jsonText } from '../../../../electron/cli/terminal-text';

describe('text for a terminal', () => {
  it('escapes every C0 control, DEL and every C1 control in a one-line field, line breaks included', () => {
    expect(inlineText('a\u001b]0;title\u0007b')).toBe('a\\x1b]0;title\\x07b');
    expect(inlineText('name\r\nBcc: x')).toBe('name\\r\\nBcc: x');
    expect(inlineText('tab\there\u007f\u0080\u009b\u009f')).toBe('tab\\there\\x7f\\u0080\\u009b\\u009f');
    expect(inlineText('Grüße ½ \u00a0 – 日本')).toBe('Grüße ½ \u00a0 – 日本');
  });

  it('keeps the lines and tabs of running text, CRLF as LF, and escapes a lone CR', () => {
    expect(blockText('one\r\ntwo\tcols\rover\u001b[2J')).toBe('one\ntwo\tcols\\rover\\x1b[2J');
  });

  it('writes JSON whose values are exact and whose text has no raw control character', () => {
    const value = { subject: 'x\u001b[8m\u009b31m\u007f' };
    const text = jsonText(value, 2);
    // eslint-disable-next-line no-control-regex -- looking for raw controls
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

import { describe, expect, it } from 'vitest';
import { headerFields, headerMatches } from '../../../../electron/mime/header-fields';
import { mayCarrySpamVerdict, serverSpamVerdict } from '../../../../electron/mime/spam-verdict';
import { parseSearchQuery } from '../../../../electron/store/search-query';
import { HomingError } from '../../../../shared/errors';

describe('what rules add to the search language', () => {
  it('reads header: with a name, a value, or a quoted value, beside tag:', () => {
    expect(parseSearchQuery('header:List-Id')).toEqual({ kind: 'header', name: 'List-Id', value: null });
    expect(parseSearchQuery('header:X-Mailer:Thunderbird')).toEqual({ kind: 'header', name: 'X-Mailer', value: 'Thunderbird' });
    expect(parseSearchQuery('header:X-Mailer:"Apple Mail" -tag:$Junk')).toEqual({
      kind: 'and',
      nodes: [
        { kind: 'header', name: 'X-Mailer', value: 'Apple Mail' },
        { kind: 'not', node: { kind: 'tag', keywords: ['$Junk'] } },
      ],
    });
    expect(parseSearchQuery('(header:X-Spam-Flag:YES OR tag:work)')).toEqual({
      kind: 'or',
      nodes: [
        { kind: 'header', name: 'X-Spam-Flag', value: 'YES' },
        { kind: 'tag', keywords: ['work', '$label2'] },
      ],
    });
  });

  it('refuses a header: without a field name', () => {
    const error = (() => {
      try {
        parseSearchQuery('header::x');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HomingError);
    expect((error as HomingError).code).toBe('INVALID_QUERY');
  });

  it('matches header fields unfolded, decoded, case and spacing ignored', () => {
    const fields = headerFields(Buffer.from('Subject: hi\r\nX-Mailer: Bulk\r\n  Sender 2.0\r\nList-Id: =?UTF-8?Q?Caf=C3=A9?= <cafe.lists.example>\r\n\r\nbody X-Mailer: no\r\n'));
    expect(headerMatches(fields, 'x-mailer', 'bulk sender')).toBe(true);
    expect(headerMatches(fields, 'X-MAILER', null)).toBe(true);
    expect(headerMatches(fields, 'List-Id', 'café')).toBe(true);
    expect(headerMatches(fields, 'X-Mailer', 'no')).toBe(false);
    expect(headerMatches(fields, 'X-Other', null)).toBe(false);
  });

  it("honours the server's spam verdict: SpamAssassin, Rspamd, a subject tag; not a passed message", () => {
    const verdict = (head: string, subject = 'x', tag = '') => serverSpamVerdict(headerFields(`${head}\r\n\r\n`), subject, tag);
    expect(verdict('X-Spam-Flag: YES')).not.toBeNull();
    expect(verdict('X-Spam-Status: Yes, score=7.2 required=5.0')).not.toBeNull();
    expect(verdict('X-Spam-Status: No, score=0.1 required=5.0')).toBeNull();
    expect(verdict('X-Spam-Flag: NO')).toBeNull();
    expect(verdict('X-Rspamd-Action: add header')).not.toBeNull();
    expect(verdict('X-Rspamd-Action: no action')).toBeNull();
    expect(verdict('X-Spam: Yes')).not.toBeNull();
    expect(verdict('X-Other: 1', '[SPAM] buy now', '[SPAM]')).not.toBeNull();
    expect(verdict('X-Other: 1', 'buy now', '[SPAM]')).toBeNull();
  });

  it('decodes no header field for the verdict when the block has none it reads', () => {
    const may = (head: string) => mayCarrySpamVerdict(Buffer.from(`${head}\r\n\r\n`, 'latin1'));
    // Every field a verdict can come from, first or later in the block, in any case.
    for (const field of ['X-Spam-Flag: YES', 'x-spam-status: Yes, score=7', 'X-SPAM: Yes', 'X-Rspamd-Action: add header']) {
      expect(may(field)).toBe(true);
      expect(may(`Subject: hi\r\n${field}`)).toBe(true);
      expect(serverSpamVerdict(headerFields(`Subject: hi\r\n${field}\r\n\r\n`), 'hi', '')).not.toBeNull();
    }
    // Without one, the verdict from no fields is the verdict from all of them.
    for (const head of ['Subject: x-spam-flag: yes', 'From: a@b\r\nSubject: hi\r\n\tX-Spam-Flag: YES', 'X-Other: 1']) {
      expect(may(head)).toBe(false);
      expect(serverSpamVerdict(headerFields(`${head}\r\n\r\n`), 'x', '')).toBeNull();
    }
  });
});

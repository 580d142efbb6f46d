import { describe, expect, it } from 'vitest';
import { appCsp, composerCsp, pageCsp } from '../../../../electron/app-csp';
import { composerWindowUrl, mailtoFromArgv, spellcheckLanguages, spellingMenu } from '../../../../electron/shell/composer-window-policy';
import { type ComposeIntent, composeQuery, readComposeQuery } from '../../../../shared/compose-intent';

describe('composer windows (plain decisions of the shell)', () => {
  it('opens compose.html with the intent in its address, and reads the same intent back', () => {
    const intents: ComposeIntent[] = [
      { kind: 'new' },
      { kind: 'new', accountId: 'acc-1' },
      { kind: 'response', messageId: 42, mode: 'reply-all' },
      { kind: 'draft', draftId: 7 },
      { kind: 'mailto', uri: 'mailto:ann@example.org?subject=Caf%C3%A9&body=a%26b', accountId: 'acc-2' },
    ];
    for (const intent of intents) {
      const url = composerWindowUrl('app://homing', intent);
      expect(url.startsWith('app://homing/compose.html?')).toBe(true);
      expect(readComposeQuery(new URL(url).search)).toEqual({ intent, remote: false });
    }
    expect(readComposeQuery(`?${composeQuery({ kind: 'draft', draftId: 3 }, { remote: true })}`)).toEqual({ intent: { kind: 'draft', draftId: 3 }, remote: true });
  });

  it('falls back to a new message for an address it cannot read', () => {
    expect(readComposeQuery('?respond=abc&mode=reply').intent).toEqual({ kind: 'new' });
    expect(readComposeQuery('?respond=5&mode=shout').intent).toEqual({ kind: 'new' });
  });

  it('gives the composer page a policy with nothing remote until the user allows images', () => {
    const strict = pageCsp('/compose.html?respond=5&mode=reply', { bridgeOrigin: 'http://127.0.0.1:4000' });
    expect(strict).toBe(composerCsp({ bridgeOrigin: 'http://127.0.0.1:4000', remoteImages: false }));
    expect(strict).toContain("img-src 'self' data: blob:;");
    expect(strict).toContain("script-src 'self';");
    expect(strict).toContain("frame-src 'none'");
    expect(strict).toContain('connect-src \'self\' ws://127.0.0.1:4000');
    const allowed = pageCsp('app://homing/compose.html?draft=5&remote=1');
    expect(allowed).toContain("img-src 'self' data: blob: https: http:");
    // CSS and fonts stay local even then.
    expect(allowed).toContain("style-src 'self' 'unsafe-inline'");
    expect(allowed).toContain("font-src 'self' data:");
    expect(pageCsp('/index.html')).toBe(appCsp());
    expect(pageCsp('/')).toBe(appCsp());
  });

  it('picks spell-checker languages from the system’s, by exact tag or by language, at most three', () => {
    const available = ['en-US', 'en-GB', 'de-DE', 'fr', 'pt-BR', 'es'];
    expect(spellcheckLanguages(['de-CH', 'en-GB', 'fr-CA', 'es-ES'], available)).toEqual(['de-DE', 'en-GB', 'fr']);
    expect(spellcheckLanguages(['ja-JP'], available)).toEqual(['en-US']);
    expect(spellcheckLanguages(['pt-BR', 'pt-PT'], available)).toEqual(['pt-BR']);
  });

  it('offers suggestions and "Add to Dictionary" for a misspelled word, then the editing commands', () => {
    expect(spellingMenu({ isEditable: true, misspelledWord: 'recieve', dictionarySuggestions: ['receive', 'relieve'], selectionText: '' })).toEqual([
      { kind: 'replace', word: 'receive' },
      { kind: 'replace', word: 'relieve' },
      { kind: 'add-word', word: 'recieve' },
      { kind: 'separator' },
      { kind: 'role', role: 'cut' },
      { kind: 'role', role: 'copy' },
      { kind: 'role', role: 'paste' },
      { kind: 'role', role: 'selectAll' },
    ]);
    expect(spellingMenu({ isEditable: false, misspelledWord: '', dictionarySuggestions: [], selectionText: 'x' })).toEqual([{ kind: 'role', role: 'copy' }]);
  });

  it('takes the mailto: link the system launched the app with, and nothing else from the command line', () => {
    expect(mailtoFromArgv(['/usr/bin/homing-desktop', '--no-sandbox', 'mailto:ann@example.org?subject=Hi'])).toBe('mailto:ann@example.org?subject=Hi');
    expect(mailtoFromArgv(['/usr/bin/homing-desktop', 'https://example.org'])).toBeNull();
  });
});

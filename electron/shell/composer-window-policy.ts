/**
 * Composer windows, as plain decisions (composer-windows.ts applies them): where a composer window loads,
 * its size, the spell checker's languages and its context menu, and the mailto: link a launch carries.
 */
import { COMPOSER_PAGE, type ComposeIntent, composeQuery } from '../../shared/compose-intent';
import { parseMailto } from '../../shared/mailto';

export const COMPOSER_WINDOW_SIZE = { width: 820, height: 720 };
export const COMPOSER_MIN_SIZE = { width: 520, height: 420 };

/** The composer page for `intent` on the app's origin (`app://homing`). */
export function composerWindowUrl(origin: string, intent: ComposeIntent): string {
  return `${origin}/${COMPOSER_PAGE}?${composeQuery(intent)}`;
}

/**
 * The spell checker's languages (Windows and Linux; macOS uses the system's own checker and its
 * languages): the system's preferred languages that Chromium has a dictionary for, exactly (`de-CH`) or by
 * language (`de-CH` → `de-DE`), at most three (each is checked on every word).
 */
export function spellcheckLanguages(preferred: readonly string[], available: readonly string[]): string[] {
  const chosen: string[] = [];
  const lower = available.map((a) => a.toLowerCase());
  for (const wanted of preferred) {
    const exact = lower.indexOf(wanted.toLowerCase());
    const language = wanted.split(/[-_]/)[0]!.toLowerCase();
    const index = exact >= 0 ? exact : lower.findIndex((a) => a === language || a.startsWith(`${language}-`));
    if (index >= 0 && !chosen.includes(available[index]!)) chosen.push(available[index]!);
    if (chosen.length === 3) break;
  }
  if (chosen.length === 0 && available.includes('en-US')) chosen.push('en-US');
  return chosen;
}

export type SpellingMenuItem =
  | { kind: 'replace'; word: string }
  | { kind: 'add-word'; word: string }
  | { kind: 'separator' }
  | { kind: 'role'; role: 'cut' | 'copy' | 'paste' | 'selectAll' };

/** What Electron tells about a right click (its context-menu params, as far as the menu needs them). */
export interface ContextMenuParams {
  isEditable: boolean;
  misspelledWord: string;
  dictionarySuggestions: string[];
  selectionText: string;
}

/** The composer's context menu: spelling suggestions for a misspelled word, then the editing commands. */
export function spellingMenu(params: ContextMenuParams): SpellingMenuItem[] {
  const items: SpellingMenuItem[] = [];
  if (params.misspelledWord) {
    for (const word of params.dictionarySuggestions.slice(0, 6)) items.push({ kind: 'replace', word });
    items.push({ kind: 'add-word', word: params.misspelledWord }, { kind: 'separator' });
  }
  if (params.isEditable) items.push({ kind: 'role', role: 'cut' }, { kind: 'role', role: 'copy' }, { kind: 'role', role: 'paste' }, { kind: 'role', role: 'selectAll' });
  else if (params.selectionText) items.push({ kind: 'role', role: 'copy' });
  return items;
}

/**
 * The mailto: link the system passed on the command line (Windows and Linux start the handler with the
 * link as an argument; a second launch hands its arguments to the running app). Only a link that reads as
 * one (shared/mailto.ts) is taken.
 */
export function mailtoFromArgv(argv: readonly string[]): string | null {
  return argv.find((arg) => /^mailto:/i.test(arg) && parseMailto(arg) !== null) ?? null;
}

/**
 * How the user likes to write, kept on this computer with the other window preferences (localStorage of
 * the app's origin, shared by the mail window and every composer window): where a reply goes relative to
 * the quote, where the signature goes, and which accounts write plain text by default.
 */
export interface WritingPreferences {
  /** Reply below the quote (bottom-posting) instead of above it (the default, as most clients). */
  replyBelowQuote: boolean;
  /** The signature below the quote instead of above it (the default). */
  signatureBelowQuote: boolean;
  /** Accounts whose new messages and replies start as plain text (format=flowed) instead of HTML. */
  plainTextAccounts: string[];
}

export const defaultWritingPreferences: WritingPreferences = { replyBelowQuote: false, signatureBelowQuote: false, plainTextAccounts: [] };

export function parseWritingPreferences(stored: string | null): WritingPreferences {
  let saved: unknown;
  try {
    saved = JSON.parse(stored ?? 'null');
  } catch {
    saved = null;
  }
  const s = (typeof saved === 'object' && saved !== null ? saved : {}) as Partial<Record<keyof WritingPreferences, unknown>>;
  return {
    replyBelowQuote: s.replyBelowQuote === true,
    signatureBelowQuote: s.signatureBelowQuote === true,
    plainTextAccounts: Array.isArray(s.plainTextAccounts) ? s.plainTextAccounts.filter((a): a is string => typeof a === 'string') : [],
  };
}

export const WRITING_PREFERENCES_KEY = 'homing.writing';

export function readWritingPreferences(): WritingPreferences {
  try {
    return parseWritingPreferences(localStorage.getItem(WRITING_PREFERENCES_KEY));
  } catch {
    return defaultWritingPreferences;
  }
}

export function saveWritingPreferences(next: WritingPreferences): void {
  try {
    localStorage.setItem(WRITING_PREFERENCES_KEY, JSON.stringify(next));
  } catch {
    // Storage refused (disabled or full): the choice lasts until the window closes.
  }
}

import { type ErrorCode, type ErrorData, errorCodes, HomingError, isErrorCode, toErrorData } from '../../shared/errors';

/** What the user should read for an error: a sentence from its code, plus the server's own words if any. */
export interface ErrorWords {
  code: ErrorCode;
  title: string;
  /** Extra context worth showing (the server's reply, the host), or null. */
  detail: string | null;
}

/** Titles tuned for the places errors show up; anything not listed uses the meaning in shared/errors.ts. */
const titles: Partial<Record<ErrorCode, string>> = {
  CONNECTION_LOST: 'The connection was lost.',
  INTERNAL: 'Something went wrong inside Homing.',
};

export function errorData(error: unknown): ErrorData {
  if (error instanceof HomingError) return error.toData();
  return toErrorData(error);
}

/**
 * Codes whose service message is the whole reason, specific to what the user typed or chose ('A folder
 * name cannot contain "/": it separates folders from their subfolders on this account.'): it replaces the
 * code's general meaning, which said the same thing vaguer right before it.
 */
const selfExplaining: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['INVALID_FOLDER_NAME', 'FOLDER_EXISTS', 'FOLDER_PROTECTED']);

export function describeError(error: unknown): ErrorWords {
  const data = errorData(error);
  const code: ErrorCode = isErrorCode(data.code) ? data.code : 'INTERNAL';
  if (selfExplaining.has(code) && data.message) return { code, title: data.message, detail: null };
  const title = titles[code] ?? errorCodes[code];
  // The service's message is specific ("mail.example.org:993 refused…"); show it when it adds something.
  const detail = data.message && data.message !== errorCodes[code] && data.message !== title ? data.message : null;
  return { code, title, detail };
}

/** One line: "The server rejected the user name or password. (server said: …)". */
export function errorSentence(error: unknown): string {
  const words = describeError(error);
  return words.detail ? `${words.title} ${words.detail}` : words.title;
}

/**
 * One line for a place that has room for one reason (the outbox): the service's own words when they say
 * what the code means and more (the host: 'The server name smtp.example.org could not be found.'),
 * otherwise the code's meaning followed by them. Putting the title first every time said a lookup failure
 * twice, once without the host and once with it.
 */
export function errorReason(error: unknown): string {
  const words = describeError(error);
  if (!words.detail) return words.title;
  const wordsOf = (text: string) => comparable(text).split(' ').filter((w) => w.length >= 3);
  const said = new Set(wordsOf(sentencesOf(words.detail)[0] ?? ''));
  const meaning = wordsOf(words.title);
  const restated = meaning.length > 0 && meaning.filter((w) => said.has(w)).length / meaning.length >= 0.8;
  return restated ? words.detail : `${words.title} ${words.detail}`;
}

/**
 * Errors a new password can fix: the result that reports them offers "Enter password" in place.
 * PASSWORD_REQUIRED: the settings changed where the stored password would go (another host, port or
 * user, weaker security, another certificate), and the service sends it only to the server it was saved
 * for, so the user types it for the new settings.
 */
const passwordCodes: ReadonlySet<string> = new Set<ErrorCode>(['AUTH_FAILED', 'CREDENTIALS_MISSING', 'PASSWORD_REQUIRED']);

export function asksForPassword(error: unknown): boolean {
  return passwordCodes.has(errorData(error).code);
}

/**
 * The server could not be reached at all (down, busy, no network): nothing said the settings are wrong. A
 * name that does not exist (DNS_NOT_FOUND) is most often a typo, but macOS and Windows say so of every name
 * while offline, where the user who knows the new password must still be able to save it.
 */
const unreachableCodes = new Set(['CONNECTION_REFUSED', 'CONNECTION_LOST', 'TIMEOUT', 'DNS_UNAVAILABLE', 'DNS_NOT_FOUND', 'SERVER_BUSY']);

/**
 * Whether a failed connection test lets the user save the settings untested ("Save anyway"): only when the
 * server could not be reached. A refused password or a certificate problem is an answer about these
 * settings, and saving them would replace good ones with ones the server refused.
 */
export function savesUntested(error: unknown): boolean {
  return unreachableCodes.has(errorData(error).code);
}

const sentencesOf = (text: string) =>
  text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
const comparable = (sentence: string) => sentence.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * The title, the service's specific words and its advice (`detail.hint`), each sentence said once: the
 * code's meaning, the message and the hint often repeat one another ("The server rejected the user name
 * or password" three ways), and a box that says a thing three times is read as noise.
 */
export function errorParts(error: unknown): { title: string; detail: string | null; hint: string | null } {
  const words = describeError(error);
  const rawHint = errorData(error).detail?.hint;
  const said = new Set([comparable(words.title)]);
  const fresh = (text: string | null) => {
    if (!text) return null;
    const kept = sentencesOf(text).filter((sentence) => {
      const key = comparable(sentence);
      if (!key || said.has(key)) return false;
      said.add(key);
      return true;
    });
    return kept.length > 0 ? kept.join(' ') : null;
  };
  const detail = fresh(words.detail);
  const hint = fresh(typeof rawHint === 'string' ? rawHint : null);
  return { title: words.title, detail, hint };
}

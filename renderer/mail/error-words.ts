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

export function describeError(error: unknown): ErrorWords {
  const data = errorData(error);
  const code: ErrorCode = isErrorCode(data.code) ? data.code : 'INTERNAL';
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

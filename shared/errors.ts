/**
 * The closed list of error codes. Every error that crosses a process boundary carries one of these;
 * callers classify errors by code, never by message text. The text beside each code is the meaning,
 * written for a person (the UI shows it when it has nothing more specific).
 */
export const errorCodes = {
  // Contract and transport
  INVALID_ARGUMENT: 'The request was not valid.',
  UNKNOWN_METHOD: 'The requested operation does not exist.',
  FORBIDDEN_SENDER: 'The request came from a page that may not talk to Homing.',
  NOT_FOUND: 'The item does not exist (any more).',
  INTERNAL: 'Something went wrong inside Homing.',
  CANCELLED: 'The operation was cancelled.',
  NOT_IMPLEMENTED: 'This part of Homing is not built yet.',

  // The local store
  DATA_DIR_LOCKED: 'Another Homing process is writing this mail folder; reading still works.',
  WRITER_LOST: 'The Homing process this command was handed to stopped before it answered; the change may or may not have been made.',
  WRITER_STOPPING: 'The Homing process this command was handed to is stopping; the command was not carried out.',
  DATABASE_TOO_NEW: 'This mail database was written by a newer version of Homing.',
  DATABASE_CORRUPT: 'The mail database is damaged.',
  DISK_FULL: 'The disk is full; what was saved before it filled is kept, nothing was half-written.',
  IO_ERROR: 'A file could not be read or written.',
  BODY_NOT_DOWNLOADED: 'Only the headers of this message are stored here, and the rest could not be downloaded now.',
  INVALID_QUERY: 'The search could not be understood.',
  RULE_BROKEN: 'A mail rule could not be carried out (its folder was deleted); it is skipped until it is saved again.',
  UNSUPPORTED_FORMAT: 'The file is not mbox, Maildir or .eml.',

  // Connecting to a server
  DNS_NOT_FOUND: 'The server name could not be found.',
  DNS_UNAVAILABLE: 'The server name could not be looked up: the name service did not answer (no network?).',
  CONNECTION_REFUSED: 'The server refused the connection on that port.',
  CONNECTION_LOST: 'The connection to the server was cut.',
  TIMEOUT: 'The server did not answer in time.',
  TLS_CERT_HOSTNAME: 'The server’s certificate is issued for a different name.',
  TLS_CERT_UNTRUSTED: 'The server’s certificate is not signed by an authority this computer trusts.',
  TLS_CERT_EXPIRED: 'The server’s certificate has expired or is not valid yet.',
  TLS_CERT_CHANGED: 'The server’s certificate is not the one you chose to trust.',
  TLS_WRONG_PORT: 'The security setting does not match the port (SSL/TLS versus STARTTLS).',
  TLS_FAILED: 'A secure connection could not be set up.',
  AUTH_FAILED: 'The server rejected the user name or password.',
  AUTH_PLAINTEXT_REFUSED: 'The password would travel unencrypted, so it was not sent.',
  MAILBOX_LOCKED: 'The mailbox is in use by another program; try again in a few minutes.',
  FOLDER_UNREADABLE: 'The server lists this folder but refuses to open it; the other folders were synced.',
  SERVER_ERROR: 'The server refused the command.',
  PROTOCOL_ERROR: 'The server sent a reply Homing could not understand.',
  RESPONSE_TOO_LARGE: 'The server sent more data than Homing accepts for one reply.',
  POP3_NO_UIDL: 'The POP3 server cannot identify messages (no UIDL), so some download settings cannot work.',
  OPERATION_REFUSED: 'The server refused a change made while offline.',
  OPERATION_DAMAGED: 'A queued change could not be read back from the mail database; it was not sent and can be discarded.',

  // Organising mail: folders, undo, tags
  FOLDER_EXISTS: 'A folder of that name already exists there.',
  FOLDER_BUSY: 'Changes to this folder are still waiting for the server; try again once they have reached it.',
  FOLDER_PROTECTED: 'The Inbox and the Trash cannot be renamed, moved or deleted.',
  INVALID_FOLDER_NAME: 'A folder name cannot be empty, contain the server’s hierarchy separator, or be longer than the server allows.',
  INVALID_TAG: 'A tag name must have a letter or digit and no brackets, quotes, backslashes, % or *.',
  NOTHING_TO_UNDO: 'There is nothing to undo.',
  MESSAGE_GONE: 'The message was deleted meanwhile (on the server or here), so this could not be undone for it.',
  UNDO_CONFLICT: 'This was changed again since, so it cannot be undone as it was.',
  MESSAGE_IN_TRANSIT: 'The message is still being copied to the server of its new account; try again once it is there.',
  CONFIRMATION_REQUIRED: 'These messages are in the Trash already: deleting them again removes them for good, which must be confirmed first.',

  // Sending mail
  NO_OUTGOING_SERVER: 'This account has no outgoing (SMTP) server set up, so it cannot send.',
  SERVER_BUSY: 'The server is busy or short of resources for now (a 4xx reply); Homing tries again later.',
  SENDER_REFUSED: 'The outgoing server refused the sender address.',
  RECIPIENT_REFUSED: 'The outgoing server refused a recipient (relaying denied, or no such address).',
  MESSAGE_TOO_LARGE: 'The message is larger than the outgoing server accepts.',
  SMTPUTF8_UNSUPPORTED: 'An address has non-ASCII letters before the @, which this outgoing server cannot take.',
  MESSAGE_REFUSED: 'The outgoing server refused the message for good (a 5xx reply).',
  SEND_UNCERTAIN: 'The connection ended after the message was handed over: it may have been sent.',
  SENT_FOLDER_MISSING: 'The server has no Sent folder and one could not be created; choose where sent mail goes.',

  // Accounts and setup
  AUTOCONFIG_NOT_FOUND: 'No settings could be found for this address; enter them by hand.',
  CREDENTIALS_MISSING: 'No password is stored for this account.',
  PASSWORD_REQUIRED: 'Type the password again: a stored password is sent only to the server it was saved for.',
  VAULT_UNAVAILABLE: 'The password store of this computer is not available.',
  VAULT_LOCKED: 'The password store of this computer is locked; unlock it and try again.',
  PASSWORD_COMMAND_FAILED: 'The password command failed, timed out or printed no password.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(errorCodes, value);

/**
 * Whether an operating-system error from writing a file means the disk is full, to be reported as
 * DISK_FULL: ENOSPC (no space left on the device) or EDQUOT (the user's disk quota is used up: on a
 * shared or managed machine, what a full disk looks like). Reads the `code` a Node system error carries,
 * so it needs no Node types here; anything else (a HomingError included) is not.
 */
export function isDiskFullError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** How an error travels across IPC, the bridge and the worker boundary: plain data, never a thrown object. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** Structured context: the server's reply, certificate details, a suggested fix. Never secrets. */
  detail?: Record<string, unknown>;
}

/** An error with a code. Thrown inside a process; turned into ErrorData at every boundary. */
export class HomingError extends Error {
  readonly code: ErrorCode;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, detail?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message ?? errorCodes[code], options);
    this.name = 'HomingError';
    this.code = code;
    this.detail = detail;
  }

  toData(): ErrorData {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromData(data: ErrorData): HomingError {
    return new HomingError(data.code, data.message, data.detail);
  }
}

/** Any thrown value as ErrorData: a HomingError keeps its code, anything else is INTERNAL. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof HomingError) return error.toData();
  if (isErrorData(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

export function isErrorData(value: unknown): value is ErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    isErrorCode((value as { code?: unknown }).code) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** The envelope every method result travels in. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

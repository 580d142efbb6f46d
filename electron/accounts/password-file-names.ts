/**
 * Names of the password files in the data directory, in a module of their own: checking whether one
 * exists must not load the file code (node:crypto, fs/promises) into a command that reads no password.
 */

/** The file for passwords of accounts whose user chose a plain file (`--insecure-store-in-file`). */
export const INSECURE_PASSWORD_FILE = 'insecure-passwords.json';
/** Where the CLI and dev:web kept every password before the keychain; moved into it at start. */
export const LEGACY_PASSWORD_FILE = 'credentials.json';

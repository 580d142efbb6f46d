import * as z from 'zod';
import type { ErrorData } from '../errors';
import { command, event, query } from './define';

export const protocolSchema = z.enum(['imap', 'pop3']);
export type Protocol = z.infer<typeof protocolSchema>;
/** A mail account's protocol, or `local` for the built-in Local Folders. */
export type AccountKind = Protocol | 'local';

/**
 * What an account can do (shared/account-capabilities.ts states it per kind). Everything outside the
 * engines and the account settings asks these, never the protocol.
 */
export interface AccountCapabilities {
  /** It has a mail server to sync, watch, test and send through (false: Local Folders). */
  hasServer: boolean;
  /** Messages of another account can be moved into its folders (a move picker's and a drop's rule). */
  receivesFromOtherAccounts: boolean;
  /**
   * The server's copy of downloaded mail is kept or deleted as the account says (POP3), so a rule may
   * choose it per message (the engines' `keepOnServer`; elsewhere the server's copy follows the user's actions).
   */
  choosesServerCopy: boolean;
}

/** tls = implicit TLS (993/995); starttls = upgrade a plain connection (143/110); none = no encryption. */
export const securitySchema = z.enum(['tls', 'starttls', 'none']);
export type Security = z.infer<typeof securitySchema>;

/** What happens to the server's copy after a POP3 download. */
export const pop3DeletePolicySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('never') }),
  z.strictObject({ kind: z.literal('after-download') }),
  z.strictObject({ kind: z.literal('after-days'), days: z.number().int().min(1).max(3650) }),
  z.strictObject({ kind: z.literal('when-deleted-locally') }),
]);
export type Pop3DeletePolicy = z.infer<typeof pop3DeletePolicySchema>;

/** Which mail an IMAP account keeps offline. */
export const offlineScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('recent'), days: z.number().int().min(1).max(36500) }),
]);
export type OfflineScope = z.infer<typeof offlineScopeSchema>;

const fingerprintSchema = z
  .string()
  .regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, 'a SHA-256 fingerprint in hex')
  .transform((s) => s.replace(/:/g, '').toLowerCase());

/**
 * Where an account's password comes from. `keychain`: the operating system's keychain (the default).
 * `command`: a program printing it on the first line of its output, run without a shell (mbsync's
 * PassCmd); only the command line may set one (a window must not choose programs to run).
 * `file`: a plain file only the user can read, never chosen for them: the `--insecure-store-in-file`
 * acknowledgement, or the same choice in the app's settings.
 */
export const passwordSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('keychain') }),
  z.strictObject({ kind: z.literal('command'), command: z.string().trim().min(1).max(4096) }),
  z.strictObject({ kind: z.literal('file') }),
]);
export type PasswordSource = z.infer<typeof passwordSourceSchema>;

export const accountSettingsSchema = z.strictObject({
  /** How often to check for mail when push (IDLE) is not available for a folder. */
  checkIntervalMinutes: z.number().int().min(1).max(1440),
  offlineScope: offlineScopeSchema,
  /** IMAP: sync only subscribed folders. */
  subscribedOnly: z.boolean(),
  pop3Delete: pop3DeletePolicySchema,
  /** POP3: messages larger than this are stored as headers plus the first lines until completed on demand. */
  pop3MaxMessageKb: z.number().int().min(1).max(1024 * 1024).nullable(),
  notify: z.boolean(),
  /** "Undo send": how long a sent message waits in the outbox before it is submitted (0: at once). */
  undoSendSeconds: z.number().int().min(0).max(120),
  /** Messages in Trash longer than this many days are removed for good at the next pass (null: never). */
  trashAutoEmptyDays: z.number().int().min(1).max(3650).nullable(),
  passwordSource: passwordSourceSchema,
});
export type AccountSettings = z.infer<typeof accountSettingsSchema>;

export const defaultAccountSettings: AccountSettings = {
  checkIntervalMinutes: 10,
  offlineScope: { kind: 'all' },
  subscribedOnly: false,
  pop3Delete: { kind: 'never' },
  pop3MaxMessageKb: null,
  notify: true,
  undoSendSeconds: 10,
  trashAutoEmptyDays: null,
  passwordSource: { kind: 'keychain' },
};

/** An account as every side sees it. The password is never part of it. */
export interface Account {
  id: string;
  name: string;
  email: string;
  /** `local` is the built-in "Local Folders" account. Only the engines and the account settings look at it. */
  protocol: AccountKind;
  host: string | null;
  port: number | null;
  security: Security | null;
  username: string | null;
  /** SHA-256 of the server certificate the user chose to trust (lowercase hex), or null for normal verification. */
  trustedFingerprint: string | null;
  settings: AccountSettings;
  /** The outgoing (SMTP submission) server, or null when none is set up (the account cannot send). */
  smtp: OutgoingServer | null;
  /** What the account can do: the window asks these, never `protocol`. */
  capabilities: AccountCapabilities;
  createdAt: string;
}

/**
 * The outgoing (SMTP submission) server of an account. Implicit TLS on 465 is preferred (RFC 8314),
 * STARTTLS on 587 next. Its certificate is judged exactly as the incoming server's, with a pin of its own.
 */
export interface OutgoingServer {
  host: string;
  port: number;
  security: Security;
  /** null: the server takes mail without a login (no AUTH). */
  username: string | null;
  /** `incoming`: log in with the incoming server's password; `own`: a password of its own, kept in the vault beside it. */
  passwordSource: 'incoming' | 'own';
  trustedFingerprint: string | null;
  /**
   * The largest message the server said it takes (SIZE in its EHLO reply, RFC 1870) when it was last
   * reached; absent or null when unknown. The composer warns before a message grows past it.
   */
  sizeLimit?: number | null;
}

export const LOCAL_ACCOUNT_ID = 'local';

const hostSchema = z.string().trim().min(1).max(253);
const portSchema = z.number().int().min(1).max(65535);

export const serverSettingsSchema = z.strictObject({
  protocol: protocolSchema,
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  username: z.string().min(1).max(320),
});
export type ServerSettings = z.infer<typeof serverSettingsSchema>;

/** Where an autoconfig candidate came from, best first. */
export const candidateSources = ['autoconfig', 'well-known', 'ispdb', 'mx', 'srv', 'guess'] as const;
export type CandidateSource = (typeof candidateSources)[number];

/**
 * How the user name is formed from the address, as autoconfig files write it: `%EMAILADDRESS%` (the whole
 * address, what most hosting providers expect), `%EMAILLOCALPART%` (the part before the @), or a fixed name.
 */
export type UsernameForm = '%EMAILADDRESS%' | '%EMAILLOCALPART%' | 'other';

export interface ServerCandidate extends ServerSettings {
  source: CandidateSource;
  /** True when a guess was confirmed by connecting and reading capabilities. */
  probed: boolean;
  /** How `username` was formed (it is already filled in for this address). */
  usernameForm?: UsernameForm;
  /** Where the settings were read (a URL, a DNS name), for the curious and for support. */
  foundAt?: string;
}

/** An outgoing server found by autoconfig (the config file's `outgoingServer`, SRV, or a guess). */
export interface OutgoingCandidate {
  host: string;
  port: number;
  security: Security;
  username: string;
  source: CandidateSource;
  probed: boolean;
  usernameForm?: UsernameForm;
  foundAt?: string;
}

export interface AutoconfigResult {
  email: string;
  imap: ServerCandidate[];
  pop3: ServerCandidate[];
  /** Outgoing (SMTP submission) servers, best first: implicit TLS before STARTTLS. */
  smtp: OutgoingCandidate[];
  /** Lookups that failed, for the curious: `{source, error}`. */
  failures: Array<{ source: CandidateSource; message: string }>;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Lowercase hex SHA-256 of the DER certificate. */
  fingerprint256: string;
  /** DNS names and IP addresses the certificate covers. */
  altNames: string[];
}

/**
 * What a person can do about a failed connection test: the `fix` field in the error's `detail` (the UI
 * offers the matching action; `detail.hint` says it in words).
 * - `check-hostname` DNS_NOT_FOUND: the server name is misspelt or does not exist.
 * - `check-port` CONNECTION_REFUSED: nothing listens on that port.
 * - `check-network` TIMEOUT, CONNECTION_LOST: a firewall, a dead network, a server that is down.
 * - `switch-security` TLS_WRONG_PORT: `detail.suggested` is `{port, security}` that matches what the port speaks.
 * - `use-certificate-hostname` TLS_CERT_HOSTNAME: connect to one of `detail.suggestedHosts` instead (verified normally).
 * - `trust-certificate` TLS_CERT_UNTRUSTED, TLS_CERT_EXPIRED, TLS_CERT_CHANGED: pin `detail.certificate.fingerprint256`.
 * - `check-password` AUTH_FAILED: the user name or password is wrong, or the provider wants an app password.
 * - `use-encryption` AUTH_PLAINTEXT_REFUSED: choose SSL/TLS or STARTTLS.
 * - `wait-and-retry` MAILBOX_LOCKED: another program holds the mailbox.
 * - `check-settings` anything else the server refused or said that made no sense.
 */
export const connectionFixes = [
  'check-hostname',
  'check-port',
  'check-network',
  'switch-security',
  'use-certificate-hostname',
  'trust-certificate',
  'check-password',
  'use-encryption',
  'wait-and-retry',
  'check-settings',
] as const;
export type ConnectionFix = (typeof connectionFixes)[number];

/** Where passwords are kept on this computer, and whether that is weaker than it should be. */
export interface CredentialStoreInfo {
  /** e.g. `macOS Keychain`, `Secret Service (GNOME Keyring, KWallet)`. */
  description: string;
  /** Set when the store does not answer or is weak: the settings dialog shows it. */
  weakness: string | null;
  /**
   * Whether the keychain answered: `unavailable` (no keychain here) makes the settings offer the other
   * places for a password; `locked` means the OS will ask to unlock it.
   */
  keychain: 'available' | 'locked' | 'unavailable';
}

export type ConnectionTestResult =
  | {
      ok: true;
      capabilities: string[];
      certificate: CertificateInfo | null;
      /**
       * POP3: the server refused APOP for this user and took the same password another way (a greeting
       * that offers APOP, passwords kept hashed). Give it to addAccount, so the first sync does not try
       * APOP again: every refused login counts toward a host's brute-force lockout.
       */
      apopRefused?: true;
    }
  | { ok: false; error: ErrorData };

const passwordSchema = z.string().min(1).max(4096);

/** The outgoing server as an account is added with it. */
export const outgoingServerInputSchema = z.strictObject({
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  /** Default: the incoming server's user name. null: the server takes mail without a login. */
  username: z.string().min(1).max(320).nullable().optional(),
  /** A password of its own; leave out to log in with the incoming server's password. */
  password: passwordSchema.optional(),
  trustedFingerprint: fingerprintSchema.nullable().optional(),
});
export type OutgoingServerInput = z.input<typeof outgoingServerInputSchema>;

/**
 * A change to the outgoing server: fields left out stay as they are (an account without one needs host,
 * port and security). `password: null` goes back to the incoming server's password.
 */
export const outgoingServerPatchSchema = z.strictObject({
  host: hostSchema.optional(),
  port: portSchema.optional(),
  security: securitySchema.optional(),
  username: z.string().min(1).max(320).nullable().optional(),
  password: passwordSchema.nullable().optional(),
  trustedFingerprint: fingerprintSchema.nullable().optional(),
});
export type OutgoingServerPatch = z.input<typeof outgoingServerPatchSchema>;

/** Outgoing server settings being typed, for testOutgoingServer. */
export const outgoingServerSettingsSchema = z.strictObject({
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  username: z.string().min(1).max(320).nullable(),
});
export type OutgoingServerSettings = z.infer<typeof outgoingServerSettingsSchema>;

export const newAccountSchema = z
  .strictObject({
    email: z.string().trim().min(3).max(320),
    name: z.string().trim().min(1).max(200).optional(),
    ...serverSettingsSchema.shape,
    /** Required unless `settings.passwordSource` is a command (which prints it when it is needed). */
    password: passwordSchema.optional(),
    trustedFingerprint: fingerprintSchema.nullable().optional(),
    settings: accountSettingsSchema.partial().optional(),
    smtp: outgoingServerInputSchema.optional(),
    /** POP3: the connection test found APOP refused for this user (ConnectionTestResult.apopRefused). */
    apopRefused: z.boolean().optional(),
  })
  .refine((account) => account.password !== undefined || account.settings?.passwordSource?.kind === 'command', {
    message: 'a password is needed (or a password command)',
    path: ['password'],
  });
export type NewAccount = z.infer<typeof newAccountSchema>;

export const accountPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  email: z.string().trim().min(3).max(320).optional(),
  host: hostSchema.optional(),
  port: portSchema.optional(),
  security: securitySchema.optional(),
  username: z.string().min(1).max(320).optional(),
  password: passwordSchema.optional(),
  trustedFingerprint: fingerprintSchema.nullable().optional(),
  settings: accountSettingsSchema.partial().optional(),
  /** null removes the outgoing server. */
  smtp: outgoingServerPatchSchema.nullable().optional(),
});
export type AccountPatch = z.infer<typeof accountPatchSchema>;

const accountIdSchema = z.string().min(1).max(64);

export const accountMethods = {
  listAccounts: query(z.strictObject({})).returns<Account[]>(),
  addAccount: command(newAccountSchema).returns<Account>(),
  updateAccount: command(z.strictObject({ id: accountIdSchema, patch: accountPatchSchema })).returns<Account>(),
  /** Removes the account and all of its local mail; `confirm` must be true (the caller asked the user). */
  removeAccount: command(z.strictObject({ id: accountIdSchema, confirm: z.literal(true) })).returns<void>(),
  autoconfigAccount: query(z.strictObject({ email: z.string().trim().min(3).max(320) })).returns<AutoconfigResult>(),
  /** Tests either stored settings (`accountId`) or settings being entered (`server` + `password`). */
  testConnection: query(
    z.strictObject({
      accountId: accountIdSchema.optional(),
      server: serverSettingsSchema.optional(),
      password: passwordSchema.optional(),
      trustedFingerprint: fingerprintSchema.nullable().optional(),
    }),
  ).returns<ConnectionTestResult>(),
  /**
   * The outgoing server's test: connect, TLS (pinned certificate as for the incoming server), EHLO, AUTH.
   * Stored settings (`accountId`), settings being typed (`server`), or both; without `password` the
   * account's stored one (its own, or the incoming one). `capabilities` are the EHLO extensions.
   */
  testOutgoingServer: query(
    z.strictObject({
      accountId: accountIdSchema.optional(),
      server: outgoingServerSettingsSchema.optional(),
      password: passwordSchema.optional(),
      trustedFingerprint: fingerprintSchema.nullable().optional(),
    }),
  ).returns<ConnectionTestResult>(),
  /**
   * How many of the account's messages are only on this computer (a POP3 account's mail the server deleted
   * after download or never had, such as its Sent copies): removing the account names them first.
   */
  countLocalOnlyMessages: query(z.strictObject({ accountId: accountIdSchema })).returns<number>(),
  /** Where passwords are kept, so the settings dialog can warn when the store is weak. */
  getCredentialStoreInfo: query(z.strictObject({})).returns<CredentialStoreInfo>(),
};

export const accountEvents = {
  accountsChanged: event(z.object({ accountIds: z.array(z.string()) })),
};

import { z } from 'zod';
import type { ErrorData } from '../errors';
import { command, event, query } from './define';

export const protocolSchema = z.enum(['imap', 'pop3']);
export type Protocol = z.infer<typeof protocolSchema>;

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
});
export type AccountSettings = z.infer<typeof accountSettingsSchema>;

export const defaultAccountSettings: AccountSettings = {
  checkIntervalMinutes: 10,
  offlineScope: { kind: 'all' },
  subscribedOnly: false,
  pop3Delete: { kind: 'never' },
  pop3MaxMessageKb: null,
  notify: true,
};

/** An account as every side sees it. The password is never part of it. */
export interface Account {
  id: string;
  name: string;
  email: string;
  /** `local` is the built-in "Local Folders" account. */
  protocol: Protocol | 'local';
  host: string | null;
  port: number | null;
  security: Security | null;
  username: string | null;
  /** SHA-256 of the server certificate the user chose to trust (lowercase hex), or null for normal verification. */
  trustedFingerprint: string | null;
  settings: AccountSettings;
  createdAt: string;
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

export interface ServerCandidate extends ServerSettings {
  source: CandidateSource;
  /** True when a guess was confirmed by connecting and reading capabilities. */
  probed: boolean;
}

export interface AutoconfigResult {
  email: string;
  imap: ServerCandidate[];
  pop3: ServerCandidate[];
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

export type ConnectionTestResult =
  | { ok: true; capabilities: string[]; certificate: CertificateInfo | null }
  | { ok: false; error: ErrorData };

const passwordSchema = z.string().min(1).max(4096);

export const newAccountSchema = z.strictObject({
  email: z.string().trim().min(3).max(320),
  name: z.string().trim().min(1).max(200).optional(),
  ...serverSettingsSchema.shape,
  password: passwordSchema,
  trustedFingerprint: fingerprintSchema.nullable().optional(),
  settings: accountSettingsSchema.partial().optional(),
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
};

export const accountEvents = {
  accountsChanged: event(z.object({ accountIds: z.array(z.string()) })),
};

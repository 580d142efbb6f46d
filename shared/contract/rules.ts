import * as z from 'zod';
import { command, event, query } from './define';
import { messageIdSchema } from './messages';
import type { ActionResult } from './organise';

/**
 * Mail rules: a query in the search language (docs/query-language.md) plus ordered actions, for one
 * account or all of them. They run on mail a sync stores in an inbox (before new-mail notifications) and on
 * demand ("Run rules on this folder now"); each rule acts on a message at most once. docs/rules.md has the
 * longer version.
 */

const accountIdSchema = z.string().min(1).max(64);
const folderIdSchema = z.number().int().positive();

/** A tag as the query's `tag:` reads it: one word (an IMAP keyword is an atom, RFC 3501 section 9). */
export const tagSchema = z
  .string()
  .min(1)
  .max(100)
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  .regex(/^[^\s()"\\{}%*\]\x00-\x1f\x7f]+$/, 'A tag is one word without spaces, parentheses, quotes or * % ] { }.');

/**
 * What a rule does, in order. `stop`: later rules leave the message alone. The server-* actions are
 * POP3's: keep the server's copy whatever the account's deletion policy says, delete it at the next check
 * (once the message is stored in full), or store headers and the first lines only and fetch the rest when
 * the message is opened.
 */
export const ruleActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('move'), folderId: folderIdSchema }),
  z.strictObject({ kind: z.literal('copy'), folderId: folderIdSchema }),
  z.strictObject({ kind: z.literal('tag'), tag: tagSchema }),
  z.strictObject({ kind: z.literal('read') }),
  z.strictObject({ kind: z.literal('flag') }),
  z.strictObject({ kind: z.literal('delete') }),
  z.strictObject({ kind: z.literal('junk') }),
  z.strictObject({ kind: z.literal('stop') }),
  z.strictObject({ kind: z.literal('server-keep') }),
  z.strictObject({ kind: z.literal('server-delete') }),
  z.strictObject({ kind: z.literal('download-later') }),
]);
export type RuleAction = z.infer<typeof ruleActionSchema>;
export const ruleActionKinds = ruleActionSchema.options.map((o) => o.shape.kind.value);

export interface Rule {
  id: number;
  name: string;
  /** The query as written. */
  query: string;
  actions: RuleAction[];
  /** Null: every account. */
  accountId: string | null;
  enabled: boolean;
  /** Rules run in this order (lowest first). */
  position: number;
  /** Why the rule is skipped until it is saved again (its folder was deleted), or null. */
  broken: { code: string; message: string; at: string } | null;
}

export const ruleInputSchema = z.strictObject({
  /** Absent: a new rule (placed last). */
  id: z.number().int().positive().optional(),
  name: z.string().trim().min(1).max(200),
  query: z.string().trim().min(1).max(4000),
  actions: z.array(ruleActionSchema).min(1).max(20),
  accountId: accountIdSchema.nullable().default(null),
  enabled: z.boolean().default(true),
});
export type RuleInput = z.input<typeof ruleInputSchema>;

/** What a run did: messages looked at, and per rule how many it matched and acted on. */
export interface RuleRunResult {
  examined: number;
  rules: Array<{ ruleId: number; matched: number; acted: number; broken: Rule['broken'] }>;
}

/** Junk: how the server's verdict and the local classifier decide, as the user set it. */
export const junkSettingsSchema = z.strictObject({
  /** Move mail the server marked as spam (SpamAssassin, Rspamd) to Junk. */
  honourServer: z.boolean(),
  /** A subject tag the server puts on spam (`[SPAM]`, `***SPAM***`); '' for none. */
  subjectTag: z.string().max(100),
  /** Let the local classifier move mail it judges junk. */
  classifier: z.boolean(),
  /** The classifier's score (0..1) from which a message is junk. */
  threshold: z.number().min(0.5).max(1),
});
export type JunkSettings = z.infer<typeof junkSettingsSchema>;
export const defaultJunkSettings: JunkSettings = { honourServer: true, subjectTag: '', classifier: true, threshold: 0.9 };

export interface JunkStatus {
  settings: JunkSettings;
  /** Messages the user marked junk / not junk so far (what the classifier learnt from). */
  trainedJunk: number;
  trainedNotJunk: number;
}

export const ruleMethods = {
  listRules: query(z.strictObject({})).returns<Rule[]>(),
  /**
   * How many stored messages (not hidden) a query matches in the scope, for the editor's live count;
   * INVALID_QUERY for a query that does not parse.
   */
  countRuleMatches: query(z.strictObject({ query: z.string().trim().min(1).max(4000), accountId: accountIdSchema.nullable().default(null) })).returns<{
    count: number;
  }>(),
  /** Creates or replaces a rule; INVALID_QUERY when the query does not parse, NOT_FOUND for a missing folder or account. Clears `broken`. */
  saveRule: command(ruleInputSchema).returns<Rule>(),
  removeRule: command(z.strictObject({ id: z.number().int().positive() })).returns<void>(),
  /** The rules in this order (every rule's id once). */
  reorderRules: command(z.strictObject({ ids: z.array(z.number().int().positive()).max(10_000) })).returns<void>(),
  /**
   * Runs rules now on the messages of a folder (or every folder of their scope): the named rules, or every
   * enabled one. A message a rule already acted on is left alone by that rule.
   */
  runRules: command(
    z.strictObject({ ruleIds: z.array(z.number().int().positive()).max(10_000).optional(), folderId: folderIdSchema.optional() }),
  ).returns<RuleRunResult>(),
  /** "Junk" / "Not junk": moves the messages (to Junk, or back to the inbox), sets $Junk/$NotJunk, trains the classifier. */
  markJunk: command(z.strictObject({ ids: z.array(messageIdSchema).min(1).max(100_000), junk: z.boolean() })).returns<ActionResult>(),
  getJunkStatus: query(z.strictObject({})).returns<JunkStatus>(),
  setJunkSettings: command(junkSettingsSchema.partial()).returns<JunkSettings>(),
};

export const ruleEvents = {
  /** A rule was added, changed, removed, reordered or marked broken. */
  rulesChanged: event(z.object({})),
};

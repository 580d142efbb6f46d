import type { CandidateSource, OutgoingCandidate, ServerCandidate } from '../../../shared/contract/accounts';
import type { Resolvers } from '../resolvers';
import type { MailAddress } from './mail-address';

/** An outgoing server as the sources pass it around, tagged so one list can hold all three protocols. */
export type OutgoingFound = OutgoingCandidate & { protocol: 'smtp' };

/** What a source finds: incoming servers (IMAP, POP3) and outgoing ones (SMTP submission). */
export type FoundCandidate = ServerCandidate | OutgoingFound;

/** Time limits of one autoconfig run (tests shorten them; see limits.ts for the defaults and why). */
export interface AutoconfigTimeouts {
  httpMs: number;
  probeMs: number;
  greetingMs: number;
  deadlineMs: number;
}

/** What every lookup gets. */
export interface SourceContext {
  readonly resolvers: Resolvers;
  readonly address: MailAddress;
  /** Aborted when the run no longer needs this lookup (a better one answered, or the deadline passed). */
  readonly signal: AbortSignal;
  readonly timeouts: AutoconfigTimeouts;
}

/**
 * One place settings can come from. `run` resolves with the candidates it found (in its own order of
 * preference) or rejects with a coded error whose message says what was tried, for the `failures` list.
 */
export interface AutoconfigSource {
  readonly name: CandidateSource;
  run(ctx: SourceContext): Promise<FoundCandidate[]>;
}

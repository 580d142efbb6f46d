import { setMaxListeners } from 'node:events';
import type { AutoconfigResult, CandidateSource } from '../../../shared/contract/accounts';
import { HomingError, toErrorData } from '../../../shared/errors';
import { accountLimits } from '../limits';
import type { Resolvers } from '../resolvers';
import { autoconfigHostSource } from './autoconfig-host';
import { guessOutgoing, guessSource } from './guess';
import { ispdbSource } from './ispdb';
import { parseMailAddress } from './mail-address';
import { mxSource } from './mx';
import { rankCandidates } from './rank';
import type { AutoconfigSource, AutoconfigTimeouts, FoundCandidate, SourceContext } from './source';
import { srvSource } from './srv';
import { wellKnownSource } from './well-known';

/** Thunderbird's order, best first (the same order as `candidateSources` in the contract). */
export const defaultSources: AutoconfigSource[] = [autoconfigHostSource, wellKnownSource, ispdbSource, mxSource, srvSource, guessSource];

export interface AutoconfigOptions {
  resolvers: Resolvers;
  timeouts?: Partial<AutoconfigTimeouts>;
  /**
   * `best` (the default) answers as soon as the best source that found anything has answered and every
   * better one has given up, stopping the rest (slow guesses must not keep the dialog waiting); `all`
   * waits for every source, for the full picture (diagnostics, tests of ranking).
   */
  settle?: 'best' | 'all';
  sources?: AutoconfigSource[];
  /** When no source named an outgoing server, probe the usual ones (default true; tests of ranking turn it off). */
  guessOutgoing?: boolean;
  signal?: AbortSignal;
}

/**
 * Finds server settings for an address: every source starts at once, each with its own time limits, and
 * the whole run has a deadline. Candidates are ranked (rank.ts); lookups that failed are listed for the
 * curious. AUTOCONFIG_NOT_FOUND (with those failures in `detail`) when nothing was found.
 */
export async function runAutoconfig(email: string, options: AutoconfigOptions): Promise<AutoconfigResult> {
  const address = parseMailAddress(email);
  const timeouts: AutoconfigTimeouts = {
    httpMs: accountLimits.httpTimeoutMs,
    probeMs: accountLimits.probeTimeoutMs,
    greetingMs: accountLimits.greetingTimeoutMs,
    deadlineMs: accountLimits.autoconfigDeadlineMs,
    ...options.timeouts,
  };
  const sources = options.sources ?? defaultSources;
  const controller = new AbortController();
  // Every lookup, request and probe of the run listens to this one signal (a dozen or more at once).
  setMaxListeners(100, controller.signal);
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const ctx: SourceContext = { resolvers: options.resolvers, address, signal: controller.signal, timeouts };

  type Outcome = { status: 'found'; candidates: FoundCandidate[] } | { status: 'failed'; message: string } | { status: 'pending' };
  const outcomes: Outcome[] = sources.map(() => ({ status: 'pending' }));

  await new Promise<void>((resolve) => {
    const deadline = setTimeout(resolve, timeouts.deadlineMs);
    const finish = () => {
      clearTimeout(deadline);
      resolve();
    };
    const check = () => {
      if (outcomes.every((o) => o.status !== 'pending')) return finish();
      if (options.settle === 'all') return;
      // The best answer wins once nothing better can still arrive.
      for (const outcome of outcomes) {
        if (outcome.status === 'pending') return;
        if (outcome.status === 'found') return finish();
      }
    };
    controller.signal.addEventListener('abort', finish, { once: true });
    sources.forEach((source, i) => {
      source.run(ctx).then(
        (candidates) => {
          outcomes[i] = candidates.some((c) => c.protocol !== 'smtp') ? { status: 'found', candidates } : { status: 'failed', message: 'nothing found' };
          check();
        },
        (error: unknown) => {
          outcomes[i] = { status: 'failed', message: toErrorData(error).message };
          check();
        },
      );
    });
  });
  const cancelledByCaller = options.signal?.aborted === true;
  options.signal?.removeEventListener('abort', onOuterAbort);
  // Whatever is still running is no longer needed: close its sockets and requests.
  controller.abort();
  if (cancelledByCaller) throw new HomingError('CANCELLED', 'The search for settings was cancelled.');

  const found = outcomes.flatMap((o) => (o.status === 'found' ? o.candidates : []));
  const failures: Array<{ source: CandidateSource; message: string }> = [];
  const best = outcomes.findIndex((o) => o.status === 'found');
  outcomes.forEach((outcome, i) => {
    const source = sources[i]!.name;
    if (outcome.status === 'failed') failures.push({ source, message: outcome.message });
    else if (outcome.status === 'pending' && (best < 0 || i < best)) {
      failures.push({ source, message: `no answer within ${Math.round(timeouts.deadlineMs / 1000)} s` });
    }
  });
  const ranked = rankCandidates(found);
  const { imap, pop3 } = ranked;
  let { smtp } = ranked;
  if (imap.length + pop3.length === 0) {
    throw new HomingError('AUTOCONFIG_NOT_FOUND', `No settings could be found for ${address.email}; enter them by hand.`, { email: address.email, failures });
  }
  if (smtp.length === 0 && options.guessOutgoing !== false && !options.signal?.aborted) {
    // The source that answered named no outgoing server (SRV with only _imaps, a config file without
    // outgoingServer): try the usual submission ports, the incoming hosts first.
    const guessing = new AbortController();
    setMaxListeners(100, guessing.signal);
    const deadline = setTimeout(() => guessing.abort(), timeouts.deadlineMs);
    try {
      const guessed = await guessOutgoing({ ...ctx, signal: guessing.signal }, [...imap, ...pop3].map((c) => c.host));
      smtp = rankCandidates([...found, ...guessed]).smtp;
    } finally {
      clearTimeout(deadline);
    }
  }
  return { email: address.email, imap, pop3, smtp, failures };
}

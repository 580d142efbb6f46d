import type { OutboxItem } from '../../../shared/contract/outgoing';
import type { SyncStatus } from '../../../shared/contract/sync';
import type { MailClient } from '../../../shared/client';
import type { CliCommand } from '../command';
import type { CliContext } from '../cli-context';
import { parse } from '../parse';
import { logOutboxStates } from '../outbox-progress';
import { inlineText } from '../terminal-text';
import type { ErrorData } from '../../../shared/errors';
import { describeFailure } from './account';

export const sync: CliCommand = {
  name: 'sync',
  usage: 'sync [ID ...] [--watch] [--progress]',
  summary:
    'one full sync pass of every (or the named) account, then sends what waits in the outbox; exit 0 only when every message it planned is stored (a folder the server will not open is a warning); --watch keeps going; --progress prints one line per progress event',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { watch: { type: 'boolean' }, progress: { type: 'boolean' } }, this.usage);
    // A watching homing is the writer itself (and takes the commands of other homing runs meanwhile); a
    // single pass is handed to the app when the app holds the data directory (cli-context.ts).
    if (values.watch) await ctx.becomeWriter();
    const service = await ctx.service();
    const accountIds = positionals.length > 0 ? positionals : undefined;
    const progress = values.progress ? createProgressLogger(ctx) : createProgressPrinter(ctx);
    // Handed to the app, this pass's progress comes with that of the app's own watch loops: only the
    // named accounts' is shown, and without --watch only until the pass ends (the app's loop going back
    // to IDLE after it is not this command's, and would print after its summary line).
    const watchReport = values.watch ? createWatchReporter(ctx, progress) : null;
    // Changes made here (a move, a flag) that the server refused during this pass or, with --watch, later.
    const refused = await createRefusedReporter(ctx, service, accountIds);
    const stop = service.on('syncProgressed', (status) => {
      if (accountIds && !accountIds.includes(status.accountId)) return;
      progress.update(status);
      watchReport?.update(status);
      refused.counted(status);
    });
    const stopOutbox = values.progress ? logOutboxStates(ctx, service) : () => undefined;
    try {
      const outcomes = await service.syncAccounts(accountIds ? { accountIds } : {});
      if (!values.watch) stop();
      progress.finish();
      for (const outcome of outcomes) {
        if (outcome.ok) {
          const unread = outcome.folderErrors.length;
          const skipped = unread === 0 ? '' : ` (${unread} ${unread === 1 ? 'folder' : 'folders'} could not be read)`;
          ctx.stderr.write(`${outcome.accountId}: synced, ${outcome.added} new${skipped}\n`);
          // A folder the server lists but will not open held nothing this pass could plan, so the pass is
          // still a success (exit 0 means every planned message is stored); the warning names it.
          for (const f of outcome.folderErrors) ctx.stderr.write(`homing: warning: ${f.code}: ${outcome.accountId}: ${inlineText(f.message)}\n`);
        } else {
          ctx.stderr.write(`homing: ${outcome.error?.code ?? 'INTERNAL'}: ${outcome.accountId}: ${inlineText(outcome.error?.message ?? '')}\n`);
          ctx.stderr.write(editAdvice(outcome.accountId, outcome.error));
        }
      }
      await refused.report();
      // Then the outbox: after the pass, so a Sent copy lands in a folder the store already knows. The user
      // asked for a sync now, so a message waiting out a retry's backoff goes now too.
      const outbox = await service.flushOutbox({ ...(accountIds?.length === 1 ? { accountId: accountIds[0]! } : {}), retryWaiting: true });
      reportOutbox(ctx, outbox);
      // 0 only when every account stored every message it planned to (README, "The command line").
      const allOk = outcomes.every((o) => o.ok);
      if (!values.watch) return allOk ? 0 : 1;
      watchReport?.start(await service.getSyncStatus({}));
      await service.startWatching(accountIds ? { accountIds } : {});
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await service.stopWatching({});
      return 0;
    } finally {
      stop();
      stopOutbox();
    }
  },
};

/** What the outbox flush did, on stderr: sent messages in a line each, anything still waiting with its reason. */
function reportOutbox(ctx: CliContext, items: OutboxItem[]): void {
  for (const item of items) {
    const what = `outbox ${item.id} (“${inlineText(item.subject)}”)`;
    for (const refused of item.state === 'filed' || item.state === 'sent' ? item.rejected : []) {
      ctx.stderr.write(`homing: warning: RECIPIENT_REFUSED: ${what} was sent, but not to ${inlineText(refused.address)} (${inlineText(refused.response)})\n`);
    }
    if (item.state === 'filed') ctx.stderr.write(`${what}: sent and filed\n`);
    else if (item.state === 'sent') ctx.stderr.write(`${what}: sent; the Sent copy waits${item.lastError ? `: ${item.lastError.code}` : ''}\n`);
    else if (item.lastError) ctx.stderr.write(`homing: warning: ${item.lastError.code}: ${what} is ${item.state}: ${inlineText(item.lastError.message)}\n`);
  }
}

/**
 * A change the user made (a move, a flag, a folder made while offline) that the server refused is put back
 * here and waits to be discarded; the pass itself is fine, so it was reported nowhere on the command line
 * (a move into a folder deleted meanwhile just put the messages back, exit 0, nothing said). Each one
 * refused since the command started is a warning line with the reason: `homing: warning: OPERATION_REFUSED:
 * ACCOUNT: message`.
 */
async function createRefusedReporter(ctx: CliContext, service: MailClient, accountIds: string[] | undefined) {
  const refusedNow = async () => (await service.listPendingOperations({})).filter((op) => op.state === 'refused' && (!accountIds || accountIds.includes(op.accountId)));
  const seen = new Set((await refusedNow()).map((op) => op.id));
  let running: Promise<void> = Promise.resolve();
  const report = async () => {
    for (const op of await refusedNow()) {
      if (seen.has(op.id)) continue;
      seen.add(op.id);
      const code = op.error?.code ?? 'OPERATION_REFUSED';
      const message = op.error?.message ?? 'The server refused a change made here.';
      ctx.stderr.write(`homing: warning: ${code}: ${op.accountId}: ${inlineText(message)} (to discard it: homing pending discard ${op.id})\n`);
    }
  };
  const counts = new Map<string, number>();
  return {
    /** A status event: the store is asked again only when the account's count of refused changes grows. */
    counted(status: SyncStatus) {
      const before = counts.get(status.accountId) ?? 0;
      counts.set(status.accountId, status.refusedChanges);
      if (status.refusedChanges > before) void this.report().catch(() => undefined);
    },
    /** One at a time, so a burst of status events prints each refusal once. */
    report(): Promise<void> {
      running = running.then(report, report);
      return running;
    },
  };
}

/** An outage is one state (the connection lost, then refused or timing out while it retries); else the error's code. */
function stateOf(status: SyncStatus): string | null {
  // CANCELLED is the watch itself stopping a pass (the account removed or edited, the watch ending): no news.
  if (!status.lastError || status.lastError.code === 'CANCELLED') return null;
  return status.online ? status.lastError.code : 'offline';
}

/**
 * `--watch`, after the first pass: a line when an account's state changes, so a watch left running (under a
 * service manager, in a terminal) says when an account stops syncing and when it is back, instead of
 * nothing at all. `homing: CODE: ACCOUNT: message` when an error starts or its code changes (the same line
 * as a failed pass's; an outage prints once, whether its retries are refused or time out), `ACCOUNT:
 * synced again` when a pass or IDLE succeeds after one.
 */
function createWatchReporter(ctx: CliContext, progress: { finish(): void }) {
  let started = false;
  /** The code last reported for each account, or null when it was last reported fine. */
  const reported = new Map<string, string | null>();
  return {
    /** The first pass's outcomes were printed already: later lines only say what changed since. */
    start(statuses: SyncStatus[]) {
      for (const status of statuses) reported.set(status.accountId, stateOf(status));
      started = true;
    },
    update(status: SyncStatus) {
      if (!started) return;
      const before = reported.get(status.accountId) ?? null;
      const state = stateOf(status);
      if (state !== null && status.lastError) {
        if (before === state) return;
        reported.set(status.accountId, state);
        progress.finish();
        ctx.stderr.write(`homing: ${status.lastError.code}: ${status.accountId}: ${inlineText(status.lastError.message)}\n`);
        ctx.stderr.write(editAdvice(status.accountId, status.lastError));
      } else if (before !== null && (status.phase === 'watching' || status.phase === 'idle')) {
        reported.set(status.accountId, null);
        progress.finish();
        ctx.stderr.write(`${status.accountId}: synced again\n`);
      }
    },
  };
}

/**
 * `--progress`: one line per progress event, `progress ACCOUNT PHASE DONE/TOTAL`, for scripts and logs
 * (the crash test kills `homing sync` at moments keyed to these lines instead of polling the store).
 */
function createProgressLogger(ctx: CliContext) {
  return {
    update(status: SyncStatus) {
      ctx.stderr.write(`progress ${status.accountId} ${status.phase} ${status.done}/${status.total}\n`);
    },
    finish() {},
  };
}

/** A one-line progress bar on stderr when it is a terminal; nothing otherwise (cron mail stays clean). */
function createProgressPrinter(ctx: CliContext) {
  const live = Boolean(ctx.stderr.isTTY);
  let shown = false;
  return {
    update(status: SyncStatus) {
      if (!live) return;
      const width = 24;
      const ratio = status.total > 0 ? Math.min(1, status.done / status.total) : 0;
      const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '.');
      const where = status.folder ? ` ${inlineText(status.folder)}` : '';
      ctx.stderr.write(`\r\x1b[K${status.accountId} ${status.phase}${where} [${bar}] ${status.done}/${status.total}`);
      shown = true;
    },
    finish() {
      if (shown) ctx.stderr.write('\r\x1b[K');
    },
  };
}

/** Errors that end only with an edit of the account's settings: a certificate to trust, another name or security setting. */
const FIXED_BY_AN_EDIT = new Set(['trust-certificate', 'use-certificate-hostname', 'switch-security']);

/**
 * The certificate and the `homing account edit` that fixes such an error, as `homing account test` words
 * them (a stored password goes only to the server and certificate it was saved for, so the edit takes it
 * again). A watch told only 'The server's certificate changed' left the user to find the command; the
 * watch takes the edit at once, without a restart. A refused password gets the edit that gives the new one;
 * nothing for other errors.
 */
function editAdvice(accountId: string, error: { code: string; message: string; detail?: Record<string, unknown> } | null | undefined): string {
  // A refused login: most often the password was changed in the hosting panel or webmail. (A server that
  // locks out after failures refuses the right one too, hence "if".)
  if (error?.code === 'AUTH_FAILED') return `  if its password changed: homing account edit ${accountId} --password-env VAR (or --password-command CMD)\n`;
  if (!error || !FIXED_BY_AN_EDIT.has(String(error.detail?.fix))) return '';
  const fixLine = (what: string, options: string) => `${what}: homing account edit ${accountId} ${options} --password-env VAR`;
  const lines = describeFailure(error as ErrorData, fixLine);
  // The watch's status keeps the fingerprint, not the whole certificate (status-board.ts).
  const fingerprint = error.detail?.newFingerprint;
  if (!error.detail?.certificate && typeof fingerprint === 'string' && /^[0-9a-f]{64}$/.test(fingerprint)) {
    lines.push(fixLine('to trust exactly this certificate', `--trust-fingerprint ${fingerprint}`));
  }
  return lines.map((line) => `  ${inlineText(line)}\n`).join('');
}

import { prepare, type WriteDb } from './db';
import type { ChangeRecorder } from './write-transaction';

/*
 * Marking rules broken, apart from store/rules.ts: deleting a folder (store/folders.ts) breaks the rules
 * that file into it, and folders.ts is on the command line's reading path, which must not load the
 * contract's schemas (zod) that rules.ts reads rows through.
 */

/** Marks a rule broken (skipped until saved again), with the reason the user reads. */
export function markRuleBroken(db: WriteDb, changes: ChangeRecorder, id: number, reason: { code: string; message: string }, now: number): void {
  prepare(db, 'UPDATE rules SET broken_code = ?, broken_message = ?, broken_at = ? WHERE id = ? AND broken_code IS NULL').run(reason.code, reason.message, now, id);
  changes.rules();
}

/**
 * A folder that rules move or copy mail to is going away (the user deleted it, another client did, or its
 * account is being removed): each such rule is marked broken now, naming the folder, while its path is
 * still known. Found by use: once the row was gone the rule could only say "(id 7) was deleted".
 */
export function breakRulesTargeting(db: WriteDb, changes: ChangeRecorder, folder: { id: number; path: string }, why: 'deleted' | 'account removed', now: number): void {
  const rows = prepare<[number], { id: number; kind: string }>(
    db,
    `SELECT rules.id, json_extract(a.value, '$.kind') AS kind FROM rules, json_each(rules.actions) AS a
      WHERE rules.broken_code IS NULL AND json_extract(a.value, '$.folderId') = ? ORDER BY rules.id`,
  ).all(folder.id);
  const seen = new Set<number>();
  for (const row of rows) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    const verb = row.kind === 'copy' ? 'copies' : 'moves';
    const message =
      why === 'deleted'
        ? `The folder ${folder.path} this rule ${verb} mail to was deleted. Choose another folder and save the rule again.`
        : `The folder ${folder.path} this rule ${verb} mail to was removed with its account. Choose another folder and save the rule again.`;
    markRuleBroken(db, changes, row.id, { code: 'NOT_FOUND', message }, now);
  }
}

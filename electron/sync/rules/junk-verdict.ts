import { junkTokens } from '../../mime/junk-tokens';
import { getAccount } from '../../store/accounts';
import { prepare } from '../../store/db';
import { trainedVerdict, trainJunk } from '../../store/junk';
import { recordUndo } from '../../store/undo-log';
import { byAccount } from '../actions/action-rows';
import type { ActionRow } from '../engine';
import { locations, type Planned, type PlanTx } from '../organise/message-actions';
import { JUNK_KEYWORD, moveOutOfJunk, moveToJunk, NOT_JUNK_KEYWORD } from './junk-actions';
import { arrivedMessage } from './message-facts';

const verdictKeywords = [JUNK_KEYWORD, NOT_JUNK_KEYWORD];

/**
 * The user's Junk / Not junk on a selection, inside the caller's write transaction: the junk filter
 * learns from each message, each goes to Junk (or back to its inbox) with its keyword (junk-actions.ts),
 * and the undo log keeps what takes all of it back: where each message was, which verdict keywords it
 * had, and what the filter had learnt from it before.
 */
export function junkVerdict(tx: PlanTx, rows: readonly ActionRow[], junk: boolean, now: number): Planned {
  const keywordsOf = prepare<[number], { keywords: string }>(tx.db, 'SELECT keywords FROM messages WHERE id = ?');
  const before = new Map(rows.map((row) => [row.id, { keywords: keywordsOf.get(row.id)?.keywords ?? '[]', trained: trainedVerdict(tx.db, row.id) }]));
  const nudge = new Set<string>();
  for (const [accountId, group] of byAccount(rows)) {
    // Learnt from what the message says, before it moves (the tokens do not depend on the folder).
    for (const row of group) {
      const message = arrivedMessage(tx.db, row.id, null, null);
      if (message) trainJunk(tx.db, row.id, junk ? 'junk' : 'not-junk', junkTokens(message.junkInput()), now);
    }
    const plan = { db: tx.db, changes: tx.changes, account: getAccount(tx.db, accountId) };
    if (junk ? moveToJunk(plan, group) : moveOutOfJunk(plan, group)) nudge.add(accountId);
  }

  const after = locations(
    tx.db,
    rows.map((r) => r.id),
  );
  const items = rows.flatMap((row) => {
    const was = before.get(row.id)!;
    const now = after.get(row.id);
    if (!now || now.hidden) return [];
    const moved = now.accountId !== row.accountId || now.folderId !== row.folderId;
    if (!moved && keywordsOf.get(row.id)?.keywords === was.keywords && trainedVerdict(tx.db, row.id) === was.trained) return [];
    const had = keywordList(was.keywords).map((k) => k.toLowerCase());
    return [
      {
        messageId: row.id,
        from: moved ? { accountId: row.accountId, folderId: row.folderId, path: row.folderPath } : null,
        had: verdictKeywords.filter((k) => had.includes(k.toLowerCase())),
        trained: was.trained,
      },
    ];
  });
  if (items.length === 0) return { nudge, undo: null };
  const counted = items.length === 1 ? '1 message' : `${items.length} messages`;
  const undo = recordUndo(tx.db, tx.changes, { kind: 'junk', payload: { junk, items } }, {
    description: junk ? `Marked ${counted} as junk.` : `Marked ${counted} as not junk.`,
    accountIds: rows.filter((r) => items.some((i) => i.messageId === r.id)).map((r) => r.accountId),
    messageCount: items.length,
  });
  return { nudge, undo };
}

function keywordList(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

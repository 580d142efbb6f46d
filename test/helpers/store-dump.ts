import { createHash } from 'node:crypto';
import type { ReadDb } from '../../electron/store/db';
import { readSource } from '../../electron/store/message-sources';

/** One stored message as fault tests compare it: where it is, its sync key, its flags, its exact bytes. */
export interface DumpRow {
  folder: string;
  uid: number | null;
  uidl: string | null;
  flags: string;
  body: string;
  hidden: boolean;
  sha256: string;
}

/**
 * A canonical dump of an account's messages (sorted, ids left out), for `toEqual` between a store that
 * went through faults and one synced undisturbed. Raw bytes by SHA-256, so a truncated or doubled source
 * shows as a different hash.
 */
export function storeDump(db: ReadDb, accountId: string): DumpRow[] {
  const rows = db.sqlite
    .prepare(
      `SELECT m.id, f.path AS folder, m.uid, m.uidl, m.seen, m.flagged, m.answered, m.draft, m.keywords, m.body_status AS body,
              m.deleted_locally AS hidden
       FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.account_id = ?`,
    )
    .all(accountId) as Array<{
    id: number;
    folder: string;
    uid: number | null;
    uidl: string | null;
    seen: number;
    flagged: number;
    answered: number;
    draft: number;
    keywords: string;
    body: string;
    hidden: number;
  }>;
  return rows
    .map((r) => ({
      folder: r.folder,
      uid: r.uid,
      uidl: r.uidl,
      flags: [
        ...(r.seen ? ['\\Seen'] : []),
        ...(r.flagged ? ['\\Flagged'] : []),
        ...(r.answered ? ['\\Answered'] : []),
        ...(r.draft ? ['\\Draft'] : []),
        ...(JSON.parse(r.keywords) as string[]),
      ]
        .sort()
        .join(' '),
      body: r.body,
      hidden: r.hidden === 1,
      sha256: createHash('sha256').update(readSource(db, r.id)).digest('hex'),
    }))
    .sort((a, b) => `${a.folder}\0${a.uid ?? ''}\0${a.uidl ?? ''}\0${a.sha256}`.localeCompare(`${b.folder}\0${b.uid ?? ''}\0${b.uidl ?? ''}\0${b.sha256}`));
}

/** Rows stored twice: the same bytes twice in one folder, or one sync key on two rows. Empty when none. */
export function duplicatesIn(dump: DumpRow[]): string[] {
  const seen = new Set<string>();
  const doubled: string[] = [];
  for (const row of dump) {
    for (const key of [`${row.folder} bytes ${row.sha256}`, row.uid !== null ? `${row.folder} uid ${row.uid}` : null, row.uidl !== null ? `uidl ${row.uidl}` : null]) {
      if (key === null) continue;
      if (seen.has(key)) doubled.push(key);
      seen.add(key);
    }
  }
  return doubled;
}

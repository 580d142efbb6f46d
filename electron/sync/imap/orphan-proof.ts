import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { OrphanCandidate } from '../../store/imap-state';
import { hashSource } from '../../store/message-sources';
import type { ImapPass } from './imap-pass';
import { imapLimits } from './limits';
import { downloadSource, fetchSources } from './ops/fetch-bodies';
import type { HeaderRow } from './ops/fetch-headers';

/**
 * Re-matching a stored row whose UID is void (an "orphan": its folder was recreated, or it was moved by a
 * server without UIDPLUS) to a message the server lists now. Same Message-ID and size only make a
 * candidate: a message whose bytes changed on the server (one byte, same size) would keep the old bytes.
 * The proof is the SHA-256 of the server's bytes, equal to the row's content hash. A row stored with its
 * body is compared with the whole message, fetched for that (and not stored: the row already holds these
 * bytes); a row stored as headers only holds nothing but its header block, so that block is the proof,
 * and the body comes from the server later as for any headers-only row.
 */

/** Server messages whose proof needs the whole message: some candidate was stored with its body. */
export function needsWholeMessage(candidates: readonly OrphanCandidate[]): boolean {
  return candidates.some((c) => c.bodyStatus === 'full');
}

/**
 * SHA-256 of the whole server message for each row: small ones in one FETCH, larger ones streamed to a
 * temp file first (as the body phase does), so memory stays bounded. A message gone meanwhile has none.
 */
export async function wholeMessageHashes(pass: ImapPass, rows: readonly HeaderRow[]): Promise<Map<number, string>> {
  const hashes = new Map<number, string>();
  const small = rows.filter((r) => r.size <= imapLimits.streamThresholdBytes).map((r) => r.uid);
  await fetchSources(pass.connection, small, async ({ uid, source }) => {
    hashes.set(uid, hashSource(source).hash);
  });
  for (const row of rows) {
    if (row.size <= imapLimits.streamThresholdBytes) continue;
    pass.checkpoint();
    const fetched = await downloadSource(pass.connection, row.uid, pass.tempDir);
    if (!fetched) continue;
    try {
      hashes.set(row.uid, hashSource(fetched.source).hash);
    } finally {
      if (fetched.source.kind === 'file') await rm(fetched.source.path, { force: true });
    }
  }
  return hashes;
}

/** The first candidate whose stored bytes are proven to be the server's, or undefined (store the server's as new). */
export function provenOrphan(candidates: readonly OrphanCandidate[], row: HeaderRow, wholeHash: string | undefined): OrphanCandidate | undefined {
  let headerHash: string | undefined;
  return candidates.find((c) => {
    if (c.contentHash === null) return false;
    if (c.bodyStatus === 'full') return wholeHash !== undefined && c.contentHash === wholeHash;
    if (c.bodyStatus !== 'headers') return false;
    headerHash ??= createHash('sha256').update(row.header).digest('hex');
    return c.contentHash === headerHash;
  });
}

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OrphanCandidate } from '../../../../../electron/store/imap-state';
import type { HeaderRow } from '../../../../../electron/sync/imap/ops/fetch-headers';
import { needsWholeMessage, provenOrphan } from '../../../../../electron/sync/imap/orphan-proof';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const header = 'Message-ID: <a@x>\r\nSubject: hi\r\n\r\n';
const whole = `${header}Hallo\r\n`;
const row: HeaderRow = { uid: 7, flags: new Set(), size: whole.length, internalDate: null, modseq: null, header: Buffer.from(header), envelope: undefined };

describe('re-matching an orphan needs its bytes proven', () => {
  it('a row stored whole matches only the server message whose whole bytes hash the same', () => {
    const stored: OrphanCandidate = { id: 1, contentHash: sha(whole), bodyStatus: 'full' };
    expect(needsWholeMessage([stored])).toBe(true);
    expect(provenOrphan([stored], row, sha(whole))).toBe(stored);
    // Same Message-ID, same size, one byte different: not the same message.
    expect(provenOrphan([stored], row, sha(whole.replace('Hallo', 'Hullo')))).toBeUndefined();
    // Without the server's bytes there is no proof.
    expect(provenOrphan([stored], row, undefined)).toBeUndefined();
  });

  it('a row stored as headers only is proven by the header block it holds', () => {
    const headersOnly: OrphanCandidate = { id: 2, contentHash: sha(header), bodyStatus: 'headers' };
    expect(needsWholeMessage([headersOnly])).toBe(false);
    expect(provenOrphan([headersOnly], row, undefined)).toBe(headersOnly);
    const otherHeader = { ...row, header: Buffer.from(header.replace('hi', 'ho')) };
    expect(provenOrphan([headersOnly], otherHeader, undefined)).toBeUndefined();
  });

  it('picks the proven one among several candidates, never one without a hash', () => {
    const stale: OrphanCandidate = { id: 3, contentHash: sha('old bytes'), bodyStatus: 'full' };
    const unknown: OrphanCandidate = { id: 4, contentHash: null, bodyStatus: 'full' };
    const same: OrphanCandidate = { id: 5, contentHash: sha(whole), bodyStatus: 'full' };
    expect(provenOrphan([stale, unknown, same], row, sha(whole))).toBe(same);
    expect(provenOrphan([stale, unknown], row, sha(whole))).toBeUndefined();
  });
});

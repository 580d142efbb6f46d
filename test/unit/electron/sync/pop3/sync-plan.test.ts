import { describe, expect, it } from 'vitest';
import type { KnownUidl } from '../../../../../electron/store/pop3-state';
import { planDeletions, planDownloads, type ServerMessage } from '../../../../../electron/sync/pop3/sync-plan';

const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2025, 5, 1);

/** The listed messages the store knows, as store/pop3-listing.ts's listedKnown() gives them (the server's numbers and sizes below). */
function known(entries: Array<Partial<KnownUidl> & { uidl: string }>): Array<ServerMessage & KnownUidl> {
  return entries.map((e) => ({
    ...server.find((m) => m.uidl === e.uidl)!,
    messageId: 1,
    downloadedAt: NOW,
    bodyStatus: 'full',
    deletedLocally: false,
    deleSentAt: null,
    serverGoneAt: null,
    serverPolicy: null,
    ...e,
  }));
}

const server: ServerMessage[] = [
  { msgno: 1, uidl: 'a', size: 100 },
  { msgno: 2, uidl: 'b', size: 5000 },
  { msgno: 3, uidl: 'c', size: 200 },
];

describe('planDownloads', () => {
  it('fetches newest (highest number) first', () => {
    const plan = planDownloads([server[0]!, server[2]!], { maxMessageKb: null, canTop: true });
    expect(plan.map((p) => [p.msgno, p.mode])).toEqual([
      [3, 'full'],
      [1, 'full'],
    ]);
  });

  it('fetches only headers and first lines over the size limit, when the server has TOP', () => {
    expect(planDownloads(server, { maxMessageKb: 4, canTop: true }).map((p) => p.mode)).toEqual(['full', 'partial', 'full']);
    expect(planDownloads(server, { maxMessageKb: 4, canTop: false }).map((p) => p.mode)).toEqual(['full', 'full', 'full']);
  });
});

describe('planDeletions', () => {
  const uidlsOf = (list: ServerMessage[]) => list.map((m) => m.uidl);

  it('never: deletes nothing', () => {
    expect(planDeletions(known([{ uidl: 'a' }, { uidl: 'b' }, { uidl: 'c' }]), { kind: 'never' }, NOW)).toEqual([]);
  });

  it('after-download: deletes what is stored in full, never what is only partly stored', () => {
    const state = known([{ uidl: 'a' }, { uidl: 'b', bodyStatus: 'partial' }]);
    expect(uidlsOf(planDeletions(state, { kind: 'after-download' }, NOW))).toEqual(['a']);
  });

  it('after-days: counts from the first download', () => {
    const state = known([
      { uidl: 'a', downloadedAt: NOW - 8 * DAY },
      { uidl: 'b', downloadedAt: NOW - 7 * DAY },
      { uidl: 'c', downloadedAt: NOW - 6 * DAY },
    ]);
    expect(uidlsOf(planDeletions(state, { kind: 'after-days', days: 7 }, NOW))).toEqual(['a', 'b']);
  });

  it('when-deleted-locally: deletes hidden rows and rows already removed, even partial ones the user threw away', () => {
    const state = known([
      { uidl: 'a', deletedLocally: true },
      { uidl: 'b', messageId: null, bodyStatus: null },
      { uidl: 'c' },
    ]);
    expect(uidlsOf(planDeletions(state, { kind: 'when-deleted-locally' }, NOW))).toEqual(['a', 'b']);
    const partialHidden = known([{ uidl: 'b', bodyStatus: 'partial', deletedLocally: true }]);
    expect(uidlsOf(planDeletions(partialHidden, { kind: 'when-deleted-locally' }, NOW))).toEqual(['b']);
  });
});

import { describe, expect, it } from 'vitest';
import type { KnownUidl } from '../../../../../electron/store/pop3-state';
import { planDeletions, planDownloads, type ServerMessage, serverMessages } from '../../../../../electron/sync/pop3/sync-plan';

const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2025, 5, 1);

function known(entries: Array<Partial<KnownUidl> & { uidl: string }>): Map<string, KnownUidl> {
  return new Map(
    entries.map((e) => [
      e.uidl,
      { messageId: 1, downloadedAt: NOW, bodyStatus: 'full', deletedLocally: false, deleSentAt: null, serverGoneAt: null, ...e } as KnownUidl,
    ]),
  );
}

const server: ServerMessage[] = [
  { msgno: 1, uidl: 'a', size: 100 },
  { msgno: 2, uidl: 'b', size: 5000 },
  { msgno: 3, uidl: 'c', size: 200 },
];

describe('serverMessages', () => {
  it('joins UIDL and LIST by number and leaves duplicated UIDLs out of every decision', () => {
    const joined = serverMessages(
      [
        { msgno: 1, uidl: 'a' },
        { msgno: 2, uidl: 'dup' },
        { msgno: 3, uidl: 'dup' },
        { msgno: 4, uidl: 'd' },
      ],
      [
        { msgno: 1, size: 10 },
        { msgno: 2, size: 20 },
        { msgno: 3, size: 30 },
        { msgno: 4, size: 40 },
      ],
    );
    expect(joined.messages).toEqual([
      { msgno: 1, uidl: 'a', size: 10 },
      { msgno: 4, uidl: 'd', size: 40 },
    ]);
    expect(joined.duplicates).toEqual(['dup']);
  });
});

describe('planDownloads', () => {
  it('fetches only unknown UIDLs, newest (highest number) first', () => {
    const plan = planDownloads(server, known([{ uidl: 'b' }]), { maxMessageKb: null, canTop: true });
    expect(plan.map((p) => [p.msgno, p.mode])).toEqual([
      [3, 'full'],
      [1, 'full'],
    ]);
  });

  it('fetches only headers and first lines over the size limit, when the server has TOP', () => {
    expect(planDownloads(server, new Map(), { maxMessageKb: 4, canTop: true }).map((p) => p.mode)).toEqual(['full', 'partial', 'full']);
    expect(planDownloads(server, new Map(), { maxMessageKb: 4, canTop: false }).map((p) => p.mode)).toEqual(['full', 'full', 'full']);
  });

  it('never fetches a UIDL again once the user deleted the local copy', () => {
    expect(planDownloads(server, known([{ uidl: 'a', messageId: null, bodyStatus: null }]), { maxMessageKb: null, canTop: true }).map((p) => p.uidl)).toEqual([
      'c',
      'b',
    ]);
  });
});

describe('planDeletions', () => {
  const uidlsOf = (list: ServerMessage[]) => list.map((m) => m.uidl);

  it('never: deletes nothing', () => {
    expect(planDeletions(server, known([{ uidl: 'a' }, { uidl: 'b' }, { uidl: 'c' }]), { kind: 'never' }, NOW)).toEqual([]);
  });

  it('after-download: deletes what is stored in full, never what is unknown or only partly stored', () => {
    const state = known([{ uidl: 'a' }, { uidl: 'b', bodyStatus: 'partial' }]);
    expect(uidlsOf(planDeletions(server, state, { kind: 'after-download' }, NOW))).toEqual(['a']);
  });

  it('after-days: counts from the first download', () => {
    const state = known([
      { uidl: 'a', downloadedAt: NOW - 8 * DAY },
      { uidl: 'b', downloadedAt: NOW - 7 * DAY },
      { uidl: 'c', downloadedAt: NOW - 6 * DAY },
    ]);
    expect(uidlsOf(planDeletions(server, state, { kind: 'after-days', days: 7 }, NOW))).toEqual(['a', 'b']);
  });

  it('when-deleted-locally: deletes hidden rows and rows already removed, even partial ones the user threw away', () => {
    const state = known([
      { uidl: 'a', deletedLocally: true },
      { uidl: 'b', messageId: null, bodyStatus: null },
      { uidl: 'c' },
    ]);
    expect(uidlsOf(planDeletions(server, state, { kind: 'when-deleted-locally' }, NOW))).toEqual(['a', 'b']);
    const partialHidden = known([{ uidl: 'b', bodyStatus: 'partial', deletedLocally: true }]);
    expect(uidlsOf(planDeletions(server, partialHidden, { kind: 'when-deleted-locally' }, NOW))).toEqual(['b']);
  });
});

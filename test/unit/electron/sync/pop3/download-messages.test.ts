import { describe, expect, it } from 'vitest';
import type { Pop3Client } from '../../../../../electron/protocols/pop3/pop3-client';
import type { MessageSource } from '../../../../../electron/store/message-source';
import { downloadMessages, planOf } from '../../../../../electron/sync/pop3/download-messages';
import { POP3_SYNC_LIMITS } from '../../../../../electron/sync/pop3/limits';
import type { ReadyMessage } from '../../../../../electron/sync/pop3/store-message';
import type { DownloadItem } from '../../../../../electron/sync/pop3/sync-plan';

/**
 * A client whose RETRs complete only when the test says so, recording which requests were made between
 * two completions: the groups that went out together.
 */
function heldClient() {
  const waiting: Array<() => void> = [];
  const groups: number[][] = [[]];
  const client = {
    state: 'TRANSACTION',
    retr({ msgno }: { msgno: number }): Promise<MessageSource> {
      groups[groups.length - 1]!.push(msgno);
      return new Promise((resolve) => waiting.push(() => resolve({ kind: 'buffer', bytes: Buffer.from(`Subject: ${msgno}\r\n\r\nbody\r\n`) })));
    },
  };
  /** Completes the oldest request still open (the server answers in order). */
  const answerOne = () => {
    groups.push([]);
    waiting.shift()?.();
  };
  return { client: client as unknown as Pop3Client, groups: () => groups.filter((g) => g.length > 0), waiting, answerOne };
}

const items = (n: number): DownloadItem[] => Array.from({ length: n }, (_, i) => ({ msgno: i + 1, uidl: `u${i + 1}`, size: 100, mode: 'full' }));

describe('downloadMessages: requests in groups', () => {
  it('fills the pipeline, then sends further RETRs together once there is room for a group, and stores every message', async () => {
    const { client, groups, waiting, answerOne } = heldClient();
    const stored: string[] = [];
    const total = 40;
    const pass = downloadMessages({
      client,
      plan: planOf(items(total)),
      tempDir: '/nonexistent',
      signal: new AbortController().signal,
      ready: async (item, source) => ({ uidl: item.uidl, source, parsed: {} as ReadyMessage['parsed'], encoded: null, bodyStatus: 'full' }),
      commit: (batch) => {
        stored.push(...batch.map((m) => m.uidl));
        return batch.length;
      },
      progress: () => undefined,
    });
    // The server answers one message at a time, each once the client has reacted to the previous one.
    while (stored.length < total) {
      await new Promise((resolve) => setImmediate(resolve));
      if (waiting.length > 0) answerOne();
    }
    const outcome = await pass;
    expect(outcome).toMatchObject({ added: total, done: total, refused: [] });
    expect(stored).toEqual(items(total).map((i) => i.uidl));
    const sizes = groups().map((g) => g.length);
    const { pipelineDepth: depth, requestGroup: group } = POP3_SYNC_LIMITS;
    expect(group).toBeGreaterThan(1);
    // The first fill, then whole groups; only the tail of the queue may go out in a smaller one.
    expect(sizes[0]).toBe(depth);
    expect(sizes.slice(1, -1).every((s) => s === group)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
  });
});

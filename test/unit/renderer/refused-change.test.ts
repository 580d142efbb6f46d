import { describe, expect, it } from 'vitest';
import type { PendingOperation } from '../../../shared/contract/sync';
import { refusedChangesOf, refusedChangeWords } from '../../../renderer/mail/refused-change';

const op = (id: number, kind: PendingOperation['kind'], messageIds: number[], state: PendingOperation['state'] = 'refused', message = 'The server refused this change: NO [NOPERM] read-only'): PendingOperation => ({
  id,
  accountId: 'a',
  kind,
  messageIds,
  state,
  error: state === 'refused' ? { code: 'OPERATION_REFUSED', message } : null,
  createdAt: '',
});

describe('what the reader says about a change the server refused', () => {
  it('finds the refused changes naming the message, not the ones still waiting', () => {
    const ops = [op(1, 'flags', [7, 8]), op(2, 'move', [7], 'queued'), op(3, 'move', [9])];
    expect(refusedChangesOf(ops, 7).map((o) => o.id)).toEqual([1]);
  });

  it('says a refused flag change is already back as the server has it, and a refused move waits for a discard; never "at the next sync"', () => {
    const flags = refusedChangeWords([op(1, 'flags', [7])]);
    expect(flags).toContain('NO [NOPERM] read-only');
    expect(flags).toContain('shows the server’s state again');
    const move = refusedChangeWords([op(1, 'flags', [7]), op(2, 'move', [7])]);
    expect(move).toContain('stays as you left it until you discard the change');
    for (const words of [flags, move]) expect(words).not.toMatch(/next sync/);
  });
});

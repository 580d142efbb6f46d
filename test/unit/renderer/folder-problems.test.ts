import { describe, expect, it } from 'vitest';
import type { Folder } from '../../../shared/contract/messages';
import { emptyListText, folderProblem } from '../../../renderer/mail/folder-problems';

const folder = (path: string, syncError: Folder['syncError'] = null): Folder => ({
  id: path.length,
  accountId: 'a',
  path,
  name: path,
  parentPath: null,
  delimiter: '/',
  specialUse: null,
  subscribed: true,
  total: 0,
  unread: 0,
  offline: 0,
  syncError,
});

describe('folders the server would not open', () => {
  const ghost = folder('Ghost', { code: 'FOLDER_UNREADABLE', message: 'The server lists the folder Ghost but refuses to open it: gone', serverText: "Mailbox doesn't exist: Ghost" });

  it('are described in the server’s words, or in ours when it gave none', () => {
    expect(folderProblem(ghost)).toBe("Could not be read from the server: Mailbox doesn't exist: Ghost");
    expect(folderProblem(folder('X', { code: 'FOLDER_UNREADABLE', message: 'Our words.', serverText: null }))).toBe('Could not be read from the server: Our words.');
    expect(folderProblem(folder('Fine'))).toBeNull();
  });

  it('are never called empty', () => {
    expect(emptyListText(false, [ghost])).toBe("Could not be read from the server: Mailbox doesn't exist: Ghost. Nothing from it is stored here yet.");
    expect(emptyListText(false, [folder('Fine')])).toBe('No messages in this folder.');
    expect(emptyListText(true, [ghost])).toBe('No messages match this search.');
  });
});

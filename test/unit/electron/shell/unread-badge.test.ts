import { describe, expect, it } from 'vitest';
import { badgePlan, unreadInInboxes } from '../../../../electron/shell/unread-badge';
import { folder } from './mail-fixtures';

describe('the unread count', () => {
  it('counts unread mail in every account’s inbox and nowhere else', () => {
    const folders = [
      folder(1, 'a', 'INBOX', 3, 'inbox'),
      folder(2, 'b', 'Posteingang', 4, 'inbox'),
      folder(3, 'a', 'Archive', 100, 'archive'),
      folder(4, 'a', 'Junk', 50, 'junk'),
      folder(5, 'c', 'Inbox', 2),
    ];
    expect(unreadInInboxes(folders)).toBe(9);
    expect(unreadInInboxes([])).toBe(0);
  });

  it('shows a dock badge on macOS, no tray', () => {
    expect(badgePlan('darwin', 5)).toEqual({ badgeCount: 5, overlay: null, tray: false, trayTooltip: 'Homing — 5 unread messages' });
    expect(badgePlan('darwin', 0).badgeCount).toBe(0);
  });

  it('shows a launcher badge and a tray icon on Linux', () => {
    expect(badgePlan('linux', 1)).toEqual({ badgeCount: 1, overlay: null, tray: true, trayTooltip: 'Homing — 1 unread message' });
  });

  it('shows a taskbar overlay (Windows has no badge count) and a tray icon on Windows, nothing when all is read', () => {
    expect(badgePlan('win32', 1234)).toEqual({
      badgeCount: null,
      overlay: { description: '1,234 unread messages' },
      tray: true,
      trayTooltip: 'Homing — 1,234 unread messages',
    });
    expect(badgePlan('win32', 0)).toMatchObject({ overlay: null, trayTooltip: 'Homing — no unread mail' });
  });

  it('never shows a negative or fractional count', () => {
    expect(badgePlan('darwin', -3).badgeCount).toBe(0);
    expect(badgePlan('linux', 2.7).badgeCount).toBe(2);
  });
});

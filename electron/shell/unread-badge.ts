import type { Folder } from '../../shared/contract/messages';

/**
 * The unread count the dock, taskbar and tray show: unread mail in every account's inbox (as Thunderbird
 * and Apple Mail count by default: mail filed elsewhere was already dealt with).
 */
export function unreadInInboxes(folders: readonly Pick<Folder, 'specialUse' | 'path' | 'unread'>[]): number {
  return folders
    .filter((folder) => folder.specialUse === 'inbox' || folder.path.toUpperCase() === 'INBOX')
    .reduce((sum, folder) => sum + Math.max(0, folder.unread), 0);
}

/** What each platform shows for `count` unread messages. */
export interface BadgePlan {
  /** `app.setBadgeCount`: the macOS dock and Linux launchers that support it (Unity, KDE, GNOME docks). */
  badgeCount: number | null;
  /** Windows has no badge count: an overlay icon on the taskbar button, with this text for screen readers. */
  overlay: { description: string } | null;
  /** Whether this platform gets a tray icon (Windows notification area, Linux status area; not the macOS menu bar). */
  tray: boolean;
  trayTooltip: string;
}

export function badgePlan(platform: NodeJS.Platform, count: number): BadgePlan {
  const unread = Math.max(0, Math.floor(count));
  const text = unread === 0 ? 'no unread mail' : unread === 1 ? '1 unread message' : `${unread.toLocaleString('en-US')} unread messages`;
  return {
    badgeCount: platform === 'win32' ? null : unread,
    overlay: platform === 'win32' && unread > 0 ? { description: text } : null,
    tray: platform === 'win32' || platform === 'linux',
    trayTooltip: `Homing — ${text}`,
  };
}

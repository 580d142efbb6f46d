import { app, type BrowserWindow, Menu, nativeImage, Tray } from 'electron';
import type { MailService } from '../../shared/contract';
import { type MenuHandlers, toMenuItems } from './application-menu';
import { systemClock } from './clock';
import { iconFiles } from './icons';
import { BADGE_REFRESH_MS } from './limits';
import { trayMenu } from './menu-template';
import { badgePlan, unreadInInboxes } from './unread-badge';

export interface UnreadIndicatorOptions {
  service: Pick<MailService, 'on' | 'listFolders'>;
  window: BrowserWindow;
  iconDir: string;
  platform: NodeJS.Platform;
  appName: string;
  menu: MenuHandlers;
  onError?(error: unknown): void;
}

/**
 * Keeps the dock/launcher badge, the Windows taskbar overlay and the tray icon in step with the unread
 * count (badgePlan decides what each platform shows). Recounts once the change events of a burst settle.
 */
export function startUnreadIndicators(options: UnreadIndicatorOptions): () => void {
  const { service, window, platform } = options;
  const icons = iconFiles(options.iconDir, platform);
  const overlay = nativeImage.createFromPath(icons.overlay);
  let tray: Tray | null = null;
  if (badgePlan(platform, 0).tray) {
    tray = new Tray(nativeImage.createFromPath(icons.tray));
    tray.setContextMenu(Menu.buildFromTemplate(toMenuItems(trayMenu(options.appName), options.menu)));
    // Windows reports clicks on the icon; Linux status areas open the menu instead.
    tray.on('click', () => options.menu.command('showWindow'));
  }

  let last = -1;
  const apply = (count: number) => {
    if (count === last) return;
    last = count;
    const plan = badgePlan(platform, count);
    if (plan.badgeCount !== null) app.setBadgeCount(plan.badgeCount);
    if (platform === 'win32' && !window.isDestroyed()) {
      window.setOverlayIcon(plan.overlay ? overlay : null, plan.overlay?.description ?? '');
    }
    tray?.setToolTip(plan.trayTooltip);
  };

  let timer: unknown = null;
  let stopped = false;
  const refresh = () => {
    timer = null;
    service.listFolders({}).then(
      (folders) => {
        if (!stopped) apply(unreadInInboxes(folders));
      },
      (error: unknown) => options.onError?.(error),
    );
  };
  const later = () => {
    systemClock.clearTimeout(timer);
    timer = systemClock.setTimeout(refresh, BADGE_REFRESH_MS);
  };
  const stops = [service.on('messagesChanged', later), service.on('foldersChanged', later), service.on('accountsChanged', later)];
  apply(0);
  refresh();

  return () => {
    stopped = true;
    systemClock.clearTimeout(timer);
    stops.forEach((stop) => stop());
    tray?.destroy();
    tray = null;
  };
}

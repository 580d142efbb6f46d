import { Notification } from 'electron';
import type { NewMailNotification } from './new-mail-policy';

/**
 * Shows a new-mail notification; a click calls `onClick` with the message to open. Live notifications
 * are kept referenced: one that is garbage-collected loses its click handler.
 */
export function createNotificationPresenter(onClick: (messageId: number) => void): {
  show(notification: NewMailNotification): void;
  dispose(): void;
} {
  const live = new Set<Notification>();
  return {
    show(n) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title: n.title, body: n.body });
      live.add(notification);
      notification.on('click', () => {
        live.delete(notification);
        onClick(n.messageId);
      });
      notification.on('close', () => live.delete(notification));
      notification.show();
    },
    dispose() {
      for (const notification of live) notification.close();
      live.clear();
    },
  };
}

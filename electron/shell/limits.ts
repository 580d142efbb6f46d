/** The shell's limits and timings, each with the reason for its value. */

/** The window is never restored smaller than this: below it the three panes no longer fit. */
export const MIN_WINDOW_SIZE = { width: 640, height: 420 };
/** A first start opens at this size (clamped to the screen's work area). */
export const DEFAULT_WINDOW_SIZE = { width: 1200, height: 800 };
/** A saved window must overlap a screen by this much to be restored there: enough to grab its title bar. */
export const MIN_VISIBLE_PART = { width: 120, height: 40 };
/** Window moves and resizes arrive many times a second while dragging: save once it settles. */
export const WINDOW_STATE_SAVE_DELAY_MS = 1_000;

/** The first restart of a dead sync worker comes quickly: most deaths are one-off (a native crash). */
export const WORKER_RESTART_BASE_MS = 1_000;
/** A worker that keeps dying (a damaged database, a full disk) is retried at most this often. */
export const WORKER_RESTART_MAX_MS = 5 * 60_000;
/** A worker that ran this long before dying counts as healthy: its next restart starts from the base delay again. */
export const WORKER_STABLE_AFTER_MS = 60_000;
/** Quit waits this long for the worker to finish its transaction; SQLite keeps a killed one atomic anyway. */
export const SHUTDOWN_GRACE_MS = 10_000;
/** Electron's main process has no "network changed" event: `net.isOnline()` is polled this often. */
export const ONLINE_POLL_MS = 15_000;

/** Change events come once per transaction, many per second during a sync: new mail is gathered this long. */
export const NEW_MAIL_BATCH_MS = 2_000;
/** …but a steady stream of changes still notifies at least this often. */
export const NEW_MAIL_MAX_WAIT_MS = 10_000;
/** Up to this many new messages of one account get a notification each; more get one summary. */
export const MAX_SINGLE_NOTIFICATIONS = 3;
/** Mail dated older than this is old mail arriving late (a first sync, a restored folder), not news. */
export const NEW_MAIL_MAX_AGE_MS = 3 * 24 * 60 * 60_000;
/** getMessageSummaries takes at most 1000 ids per call (shared/contract/messages.ts). */
export const SUMMARY_BATCH = 1_000;
/** Subjects and names in a notification are cut to this many characters: a toast shows two lines. */
export const NOTIFICATION_TEXT_MAX = 200;
/** Unread counts and tray refresh after this long without further changes. */
export const BADGE_REFRESH_MS = 500;

/** File names written to disk are cut to this many characters (Windows' MAX_PATH leaves little room). */
export const FILE_NAME_MAX = 120;

/**
 * The schema version this code writes: the last migration's (all.ts refuses to load when they differ).
 * A file of its own so that what only checks the version (a read-only connection: open.ts's openReadDb,
 * the CLI's reading commands) does not load, or bundle, every migration.
 */
export const latestVersion = 21;

import { createRequire } from 'node:module';

/**
 * The path of better-sqlite3's native binding, for `nativeBinding`: the `homing` executable bundles
 * better-sqlite3's JavaScript (build/build-main.mjs), where the `bindings` package it would otherwise use
 * looks for the binding beside the bundle, not in node_modules. Resolved as Node resolves a package's
 * file (in the packaged app, inside app.asar, which Electron redirects to app.asar.unpacked, as it does
 * for `bindings`). Undefined when it is not there: better-sqlite3 then searches as it always does.
 */
export function betterSqliteBinding(): string | undefined {
  try {
    return createRequire(__filename).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    return undefined;
  }
}

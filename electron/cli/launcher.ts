/**
 * The `homing` executable (package.json's bin; the packaged app runs it through its own binary in Node
 * mode). It turns on the runtime's compile cache (compile-cache.ts), then loads the program itself:
 * homing-read.cjs, built from entry.ts, which answers the reading commands and hands every other command
 * line to the whole CLI (homing-cli.cjs). This file stays tiny and separate because a compile cache
 * serves only the modules loaded after it is turned on.
 */
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { enableCompileCache, type ModuleApi } from './compile-cache';
import type * as Entry from './entry';

// Node 20's types lack enableCompileCache; enableCompileCache() checks for it at run time.
enableCompileCache(nodeModule as ModuleApi);
// Beside this file in dist/node/ (build/build-main.mjs); required by its path, so it stays a file of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is loaded after the cache is on
(require(join(__dirname, 'homing-read.cjs')) as typeof Entry).runProgram();

import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';

/*
 * node:zlib, loaded on first use rather than with the store's modules: `homing folders`, `list` and
 * `search` (the CLI's reading commands, whose cost is mostly their start) never inflate or deflate a
 * source, and loading it is ~1 ms of such a process. Synchronous: callers are SQL functions and generators.
 */
const load = createRequire(__filename);
let zlibModule: typeof Zlib | null = null;

export const zlib = (): typeof Zlib => (zlibModule ??= load('node:zlib') as typeof Zlib);

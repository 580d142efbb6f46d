/**
 * The `homing` CLI as the benches run it: the app's Node bundles (build/build-main.mjs), built from the
 * working tree into a folder of the bench's own, so a bench never runs a stale dist/ or another bench's.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds the bundles into .cache/bench-NAME-cli/ and returns the path of its homing.cjs. */
export function buildCli(root: string, name: string): string {
  const dir = join(root, '.cache', `bench-${name}-cli`);
  execFileSync(process.execPath, [join(root, 'build', 'build-main.mjs'), '--outdir', dir], { cwd: root });
  return join(dir, 'homing.cjs');
}

import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** A private build of the app for this test run: `<dir>/node/*.cjs` and `<dir>/renderer/`. */
    buildDir: string;
  }
}

/**
 * Builds the Node bundles (and, for e2e, the renderer) into `.cache/test-build-<pid>/`, inside the
 * project so the bundles find node_modules, and private to this run so parallel runs never collide.
 */
export default async function setup(project: TestProject) {
  const dir = join(root, '.cache', `test-build-${process.pid}-${project.name}`);
  await mkdir(dir, { recursive: true });
  await run(process.execPath, [join(root, 'build', 'build-main.mjs'), '--outdir', join(dir, 'node')], { cwd: root });
  if (project.name === 'e2e') {
    await run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', join(dir, 'renderer'), '--logLevel', 'warn'], {
      cwd: root,
    });
  }
  project.provide('buildDir', dir);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

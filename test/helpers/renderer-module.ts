import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');

/**
 * Bundles renderer modules into one classic script that puts their exports on `window.__homing`, so a
 * test can run the renderer's own code (the sanitiser, the frame document) in a real Chromium page.
 */
export async function rendererModuleScript(modules: Record<string, string>): Promise<string> {
  const imports = Object.entries(modules)
    .map(([name, path]) => `import * as ${name} from ${JSON.stringify(`./${path}`)};`)
    .join('\n');
  const result = await build({
    stdin: { contents: `${imports}\nwindow.__homing = { ${Object.keys(modules).join(', ')} };`, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome130',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

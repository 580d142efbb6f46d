import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a bundled worker-thread script sits: beside this bundle (dist/node/NAME.cjs). Null when running
 * from sources (tests under vitest), where the callers do the work on their own thread instead.
 */
export function bundledScript(name: string): string | null {
  const here = typeof __dirname === 'string' ? __dirname : null;
  const script = here ? join(here, `${name}.cjs`) : null;
  return script && existsSync(script) ? script : null;
}

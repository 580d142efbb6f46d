import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where a secret was found: a file (relative to the folder scanned) or a piece of collected text. */
export interface SecretSighting {
  where: string;
  secret: string;
}

/**
 * Looks for every secret, byte for byte, in every file under the folders (the data directory: database,
 * WAL, lock, logs, any file at all) and in the texts (a program's output, a log). `allowFiles` names files
 * the user explicitly chose to hold passwords (the `--insecure-store-in-file` file). Returns what it found,
 * so a test can `expect(...).toEqual([])` and see the place in the failure.
 */
export function findSecrets(
  secrets: string[],
  where: { dirs?: string[]; texts?: Record<string, string>; allowFiles?: string[] },
): SecretSighting[] {
  const found: SecretSighting[] = [];
  const needles = secrets.filter((s) => s.length > 0).map((secret) => ({ secret, bytes: Buffer.from(secret, 'utf8') }));
  const allowed = new Set(where.allowFiles ?? []);
  for (const dir of where.dirs ?? []) {
    for (const file of filesUnder(dir)) {
      if (allowed.has(file)) continue;
      const bytes = readFileSync(file);
      for (const { secret, bytes: needle } of needles) if (bytes.includes(needle)) found.push({ where: relative(dir, file), secret });
    }
  }
  for (const [name, text] of Object.entries(where.texts ?? {})) {
    for (const { secret } of needles) if (text.includes(secret)) found.push({ where: name, secret });
  }
  return found;
}

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) return filesUnder(path);
      return stat.isFile() ? [path] : [];
    } catch {
      return []; // removed while we looked (a WAL file, a lock)
    }
  });
}

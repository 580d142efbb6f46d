/** The value after `--NAME` on the bench's command line (`npm run bench -- NAME --count 1000`), or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

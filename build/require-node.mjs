// `npm start` and `npm run dist` run Electron's own tools (electron 45, @electron/get 5, @electron/rebuild 4),
// which need Node.js 22.12 or later; on an older Node they fail deep inside a download with no hint why.
// Say so first. (The tests, `npm test`, run on Node 20.19 too: package.json's engines.)
export const APP_NODE_VERSION = '22.12.0';

/** True when `version` (e.g. process.versions.node) is at least `wanted`, both as major.minor.patch. */
export function atLeast(version, wanted) {
  const have = version.split('.').map(Number);
  const need = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) !== (need[i] ?? 0)) return (have[i] ?? 0) > (need[i] ?? 0);
  }
  return true;
}

if (process.argv[1]?.endsWith('require-node.mjs') && !atLeast(process.versions.node, APP_NODE_VERSION)) {
  console.error(
    `Homing's app build needs Node.js ${APP_NODE_VERSION} or later (Electron's tools require it); this is Node.js ${process.versions.node}.\n` +
      'Install a current Node.js LTS (https://nodejs.org) and run the command again. The tests (npm test) also run on Node 20.19.',
  );
  process.exit(1);
}

import { defineConfig } from 'vitest/config';

/**
 * Five suites. unit: pure logic and a real SQLite file. integration: real Dovecot and the built CLI and
 * worker. faults: the same, with faults injected (test/faults). e2e: the built renderer in Debian's
 * Chromium against the real backend over the test bridge. integration, faults and e2e build the bundles into a
 * private folder first (test/helpers/build.ts). packaging: the app as electron-builder packs it from dist/.
 */
export default defineConfig({
  test: {
    // temp-root first: the private Secret Service keeps its keyring files in the run's temp folder.
    globalSetup: ['test/helpers/temp-root.ts', 'test/helpers/test-keychain.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          // Projects with different worker limits run one group after the other.
          sequence: { groupOrder: 0 },
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          globalSetup: ['test/helpers/build.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file starts its own Dovecot on free ports; two at a time suits two cores.
          maxWorkers: 2,
        },
      },
      {
        // Faults (test/faults): connections cut, stalled and throttled by a proxy, SIGKILLed syncs, a server
        // restarted mid-sync, a full disk. Real Dovecot and the built CLI, after the integration suite.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          sequence: { groupOrder: 2 },
          globalSetup: ['test/helpers/build.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
      {
        // The packaging check (test/packaging): the project built into dist/ and packed by electron-builder
        // around a stand-in Electron binary, as `npm run dist` would; the asar, fuses, deb/rpm/AppImage
        // settings, the `homing` launcher and the packed main are checked. One file, ~30 s; after the suites
        // above, so rewriting dist/ disturbs none of them.
        test: {
          name: 'packaging',
          include: ['test/packaging/**/*.test.ts'],
          sequence: { groupOrder: 4 },
          testTimeout: 120_000,
          hookTimeout: 300_000,
          maxWorkers: 1,
        },
      },
      {
        // The real app in Electron (test/electron-smoke): skipped where no Electron binary is installed;
        // run by the release workflow only (`npm run test:electron`), never by `npm test`.
        test: {
          name: 'electron-smoke',
          include: ['test/electron-smoke/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          maxWorkers: 1,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 3 },
          globalSetup: ['test/helpers/build.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 1,
        },
      },
    ],
  },
});

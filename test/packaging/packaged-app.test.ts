import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuseSettings } from '../../build/fuses.mjs';

/**
 * The packaging check: electron-builder, with the project's own config, packs the Linux app for real
 * (`--dir`) around a stand-in Electron binary (standInElectron below; Electron's own cannot be downloaded
 * here), and computes the deb, rpm and AppImage up to the tool it would download (pack-linux.mjs). Then:
 * the asar holds exactly the app; the native modules sit outside it; the fuses are flipped; the deb and
 * rpm carry their metadata, put `homing` (the command line) on PATH and `homing-desktop` (the window)
 * beside it; the launcher, followed from /usr/bin/homing, runs the bundled CLI in the binary's Node mode;
 * and the packed main.cjs boots under the unit tests' stand-in Electron API, serves the renderer over
 * app:// and quits cleanly. What only real Electron can show (a window, the sandbox, the deb installed by
 * dpkg) is left to the release workflow.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const require = createRequire(join(root, 'package.json'));
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  statFile(archive: string, path: string): { unpacked?: boolean; size?: number; files?: unknown };
  extractAll(archive: string, dest: string): void;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  homepage: string;
  author: { name: string; email: string };
  desktopName: string;
};

/** The fuse wire as Electron 45's binary ships it (RunAsNode, cookie encryption, …; '1' on, '0' off). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ELECTRON_DEFAULT_FUSES = '10110001';
const FUSE_ORDER = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;

/** A shell script standing in for Electron's binary: a real fuse wire, and a body that only Node mode runs. */
function standInElectron(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\n# Stand-in Electron for the packaging test; its fuse wire: '),
    Buffer.from(SENTINEL),
    Buffer.from([1, ELECTRON_DEFAULT_FUSES.length]),
    Buffer.from(`${ELECTRON_DEFAULT_FUSES}\nexec node "$(dirname "$(readlink -f "$0")")/stand-in-node-mode.cjs" "$(readlink -f "$0")" "$@"\n`),
  ]);
  writeFileSync(join(dir, 'electron'), script);
  chmodSync(join(dir, 'electron'), 0o755);
  copyFileSync(join(import.meta.dirname, 'stand-in-node-mode.cjs'), join(dir, 'stand-in-node-mode.cjs'));
}

function fuseWire(binary: string): string {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(Buffer.from(SENTINEL)) + SENTINEL.length;
  return bytes.subarray(at + 2, at + 2 + bytes[at + 1]!).toString('latin1');
}

interface FpmComputed {
  args: string[];
  desktop: string;
  afterInstall: string;
  afterRemove: string;
}
interface Computed {
  fpm: FpmComputed[];
  appImage: Array<{ desktop: string }>;
}

describe.runIf(process.platform === 'linux')('the packaged Linux app (electron-builder --dir with a stand-in Electron)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homing-packaging-'));
  const out = join(dir, 'out');
  const appDir = join(out, 'linux-unpacked');
  const archive = join(appDir, 'resources', 'app.asar');
  let computed: Computed;
  let entries: string[];

  beforeAll(async () => {
    // The project itself, as `npm run dist` packs it: its build into dist/ first (npm test has just made
    // the same one), then electron-builder with only the Electron binary, the native rebuild and the
    // output folder changed (pack-linux.mjs).
    await run(process.execPath, [join(root, 'build', 'build-main.mjs')], { cwd: root });
    await run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root });
    standInElectron(join(dir, 'electron-dist'));
    await run(process.execPath, [join(import.meta.dirname, 'pack-linux.mjs'), root, out, join(dir, 'electron-dist')], {
      cwd: root,
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    computed = JSON.parse(readFileSync(join(out, 'computed.json'), 'utf8')) as Computed;
    entries = asar.listPackage(archive, { isPack: false });
  }, 300_000);

  describe('the asar', () => {
    it('holds the app’s bundles, the renderer and package.json, and nothing else of ours', () => {
      const ours = entries.filter((p) => !p.startsWith('/node_modules/') && p !== '/node_modules');
      const files = ours.filter((p) => asar.statFile(archive, p.slice(1)).files === undefined);
      expect(files.filter((p) => !p.startsWith('/dist/renderer/assets/')).sort()).toEqual(
        [
          '/dist/node/checkpoint-worker.cjs',
          '/dist/node/homing-cli.cjs',
          '/dist/node/homing-read.cjs',
          '/dist/node/homing.cjs',
          '/dist/node/main.cjs',
          '/dist/node/parse-worker.cjs',
          '/dist/node/preload.cjs',
          '/dist/node/worker.cjs',
          '/dist/renderer/compose.html',
          '/dist/renderer/index.html',
          '/package.json',
        ].sort(),
      );
      const assets = files.filter((p) => p.startsWith('/dist/renderer/assets/'));
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) expect(asset).toMatch(/\.(js|css|woff2?|png|svg)$/);
    });

    it('carries no tests, no test bridge and no source maps', () => {
      expect(entries.filter((p) => /\.map$/.test(p))).toEqual([]);
      expect(entries.filter((p) => /dev-web|\/test\/|\.test\.|\/bench\//.test(p) && !p.startsWith('/node_modules/'))).toEqual([]);
    });

    it('has every package the bundles require, and none of those Vite bundled into the renderer', () => {
      const bundles = readdirSync(join(root, 'dist', 'node')).filter((f) => f.endsWith('.cjs') && f !== 'dev-web.cjs');
      const required = new Set<string>();
      for (const bundle of bundles) {
        for (const [, spec] of readFileSync(join(root, 'dist', 'node', bundle), 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
          const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
          if (!builtinModules.includes(name) && !name.startsWith('node:') && name !== 'electron') required.add(name);
        }
      }
      expect(required.size).toBeGreaterThan(3);
      for (const name of required) expect(entries, name).toContain(`/node_modules/${name}/package.json`);
      for (const name of ['react', 'react-dom', 'dompurify', '@tanstack/react-virtual', 'squire-rte', 'prebuild-install']) {
        expect(entries, name).not.toContain(`/node_modules/${name}/package.json`);
      }
    });

    it('keeps every native module outside it (better-sqlite3 and, when present, @napi-rs/keyring), without better-sqlite3’s sources', () => {
      const natives = entries.filter((p) => p.endsWith('.node'));
      expect(natives).toContain('/node_modules/better-sqlite3/build/Release/better_sqlite3.node');
      for (const file of natives) {
        expect(asar.statFile(archive, file.slice(1)).unpacked, file).toBe(true);
        expect(existsSync(join(`${archive}.unpacked`, file)), file).toBe(true);
        // Only the native modules the app loads: better-sqlite3's, and the OS keychain binding's.
        expect(file).toMatch(/^\/node_modules\/(better-sqlite3\/build\/Release\/better_sqlite3\.node|@napi-rs\/keyring[^/]*\/[^/]+\.node)$/);
      }
      expect(entries.filter((p) => /^\/node_modules\/better-sqlite3\/(deps|src)\//.test(p))).toEqual([]);
    });
  });

  it('flips the fuses after-pack.mjs sets', () => {
    const settings = fuseSettings('linux');
    expect(fuseWire(join(appDir, 'homing-desktop'))).toBe(FUSE_ORDER.map((name) => (settings[name] ? '1' : '0')).join(''));
  });

  describe('the deb and the rpm', () => {
    const target = (type: 'deb' | 'rpm') => {
      const found = computed.fpm.find((f) => f.args.some((a) => a.endsWith(`.${type}`)));
      expect(found, `${type} computed`).toBeDefined();
      return found!;
    };
    const option = (f: FpmComputed, flag: string) => f.args[f.args.indexOf(flag) + 1];

    it.each(['deb', 'rpm'] as const)('%s: name, homepage and maintainer with e-mail', (type) => {
      const f = target(type);
      expect(option(f, '--name')).toBe('homing');
      expect(option(f, '--url')).toBe(pkg.homepage);
      expect(option(f, '--maintainer')).toBe(`${pkg.author.name} <${pkg.author.email}>`);
      expect(option(f, '--license')).toBe('MIT');
    });

    it.each(['deb', 'rpm'] as const)('%s: the app in /opt/Homing, the window as homing-desktop, the command line as /usr/bin/homing', (type) => {
      const f = target(type);
      expect(f.args).toContain(`${appDir}/=/opt/Homing`);
      const mapping = f.args.find((a) => a.endsWith('=/usr/bin/homing'));
      expect(mapping).toBeDefined();
      // The packed file is a link to the launcher inside the app, which exists there.
      const link = readlinkSync(join(root, mapping!.split('=')[0]!));
      expect(link).toBe('/opt/Homing/resources/cli/homing');
      expect(existsSync(join(appDir, link.replace('/opt/Homing/', '')))).toBe(true);
      // electron-builder's after-install links the window's binary; it must not take /usr/bin/homing.
      expect(f.afterInstall).toContain("'/usr/bin/homing-desktop'");
      expect(f.afterInstall).not.toMatch(/\/usr\/bin\/homing'/);
      expect(f.afterRemove).toContain("'homing-desktop'");
      expect(f.desktop).toMatch(/^Exec=\/opt\/Homing\/homing-desktop %U$/m);
      // A mail handler the desktop can offer for mailto: links (%U above passes the link on).
      expect(f.desktop).toMatch(/^MimeType=(.*;)?x-scheme-handler\/mailto;/m);
    });

    it.each(['deb', 'rpm'] as const)('%s: the window groups with its launcher (desktopName) and installs an AppArmor profile for its binary', (type) => {
      const f = target(type);
      const desktopName = pkg.desktopName.replace(/\.desktop$/, '');
      expect(f.desktop).toMatch(new RegExp(`^StartupWMClass=${desktopName.replaceAll('.', '\\.')}$`, 'm'));
      expect(f.desktop).toMatch(/^Categories=Network;Email;$/m);
      expect(f.args.some((a) => a.endsWith(`=/usr/share/applications/${pkg.desktopName}`))).toBe(true);
      expect(f.afterInstall).toContain('apparmor_parser');
      const profile = readFileSync(join(appDir, 'resources', 'apparmor-profile'), 'utf8');
      expect(profile).toContain('"/opt/Homing/homing-desktop"');
      expect(profile).toMatch(/^\s*userns,$/m);
    });

    it('depend on libsecret for the keychain (deb and rpm)', () => {
      // The deb's dependencies are electron-builder's defaults (libsecret-1-0 among them); the rpm lists its own.
      const yaml = require('js-yaml') as { load(text: string): { rpm: { depends: string[] }; deb?: { depends?: string[] } } };
      const config = yaml.load(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8'));
      expect(config.rpm.depends).toContain('libsecret');
      expect(config.deb?.depends).toBeUndefined();
      const defaults = readFileSync(require.resolve('app-builder-lib/out/targets/FpmTarget.js'), 'utf8');
      expect(defaults).toContain('"libsecret-1-0"');
    });
  });

  it('AppImage: the static runtime’s launcher line, with no --no-sandbox forced on every system', () => {
    expect(computed.appImage).toHaveLength(1);
    expect(computed.appImage[0]!.desktop).toMatch(/^Exec=AppRun %U$/m);
  });

  describe('the command line, as the deb installs it', () => {
    // /opt/Homing and /usr/bin under a private root: /usr/bin/homing is the same link the package carries.
    const installRoot = join(dir, 'root');
    const homing = join(installRoot, 'usr', 'bin', 'homing');
    const dataDir = join(dir, 'cli-data');
    const runCli = (args: string[]) =>
      run(homing, args, {
        env: {
          PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
          HOME: dir,
          TMPDIR: tmpdir(),
          HOMING_DATA_DIR: dataDir,
          STAND_IN_ASAR_MODULE: require.resolve('@electron/asar'),
        },
        timeout: 60_000,
      });

    beforeAll(() => {
      mkdirSync(join(installRoot, 'opt'), { recursive: true });
      mkdirSync(dirname(homing), { recursive: true });
      symlinkSync(appDir, join(installRoot, 'opt', 'Homing'));
      symlinkSync(join(installRoot, 'opt', 'Homing', 'resources', 'cli', 'homing'), homing);
    });

    it('runs the bundled CLI through the app’s binary in Node mode', async () => {
      const { stdout } = await runCli(['--version']);
      expect(stdout.trim()).toBe(`homing ${pkg.version}`);
    });

    it('opens a store with the packed better-sqlite3 and answers a command', async () => {
      const { stdout } = await runCli(['account', 'list', '--json']);
      expect(JSON.parse(stdout)).toEqual([]);
      expect(existsSync(join(dataDir, 'homing.sqlite'))).toBe(true);
    });

    it('uses the app’s own data directory when none is given (~/.config/Homing, as Electron’s userData)', async () => {
      const home = join(dir, 'home');
      await run(homing, ['account', 'list', '--json'], {
        env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, TMPDIR: tmpdir(), STAND_IN_ASAR_MODULE: require.resolve('@electron/asar') },
        timeout: 60_000,
      });
      expect(existsSync(join(home, '.config', 'Homing', 'homing.sqlite'))).toBe(true);
    });

    it('would start the window, not a Node.js, when the RunAsNode fuse is off (the stand-in honours the fuse)', async () => {
      const binary = join(dir, 'fuse-off', 'homing-desktop');
      cpSync(appDir, dirname(binary), { recursive: true });
      const bytes = readFileSync(binary);
      bytes[bytes.indexOf(Buffer.from(SENTINEL)) + SENTINEL.length + 2] = 0x30;
      writeFileSync(binary, bytes);
      const launcher = join(dirname(binary), 'resources', 'cli', 'homing');
      await expect(run(launcher, ['--version'], { env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, TMPDIR: tmpdir() } })).rejects.toMatchObject({ code: 3 });
    });
  });

  it('boots the packed main.cjs under the stand-in Electron API: app:// serves the renderer, and it quits cleanly', async () => {
    const extracted = join(dir, 'extracted');
    asar.extractAll(archive, extracted);
    mkdirSync(join(extracted, 'node_modules', 'electron'), { recursive: true });
    copyFileSync(join(root, 'test', 'unit', 'electron', 'shell', 'fake-electron.cjs'), join(extracted, 'node_modules', 'electron', 'index.js'));
    const dataDir = join(dir, 'app-data');
    const { stdout } = await run(process.execPath, [join(root, 'test', 'unit', 'electron', 'shell', 'drive-main.cjs'), join(extracted, 'dist', 'node', 'main.cjs')], {
      cwd: extracted,
      // No NODE_PATH: every module main.cjs needs must come from the packed app.
      env: { PATH: process.env.PATH, HOME: dir, TMPDIR: tmpdir(), HOMING_DATA_DIR: dataDir },
      timeout: 60_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    const result = JSON.parse(line?.slice('RESULT '.length) ?? '{}') as Record<string, unknown>;
    expect(result.error).toBeUndefined();
    expect(result.loaded).toMatchObject({ url: 'app://homing/index.html', status: 200, csp: expect.stringContaining("default-src 'none'") });
    expect(result.listAccounts).toEqual({ ok: true, value: [] });
    expect(result.quits).toBe(2);
    expect(result.lockAfterQuit).toBe(false);
  });
});

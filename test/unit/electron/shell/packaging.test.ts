import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuseSettings, packedExecutable } from '../../../../build/fuses.mjs';
import { iconFiles } from '../../../../electron/shell/icons';
import { smokePassed } from '../../../../electron/shell/smoke-check';

/**
 * The packaging inputs, checked here because electron-builder itself can only run on GitHub's runners:
 * the config passes electron-builder's own schema and names files that exist, the icons are real PNG,
 * ICO and ICNS files of the sizes each platform wants, and the fuses are set. What electron-builder makes
 * of them is checked by test/packaging/; the release workflow by test/unit/build/release-workflow.test.ts.
 */
const root = join(import.meta.dirname, '..', '..', '..', '..');
const require = createRequire(join(root, 'package.json'));
const yaml = require('js-yaml') as { load(text: string): unknown };
type BuilderConfig = Record<string, unknown> & {
  directories: { buildResources: string };
  files: string[];
  asarUnpack: string[];
  extraResources: Array<{ from: string; to: string }>;
  afterPack: string;
  linux: { target: string[]; icon: string };
  win: { target: Array<{ target: string }>; icon: string };
  mac: { target: Array<{ target: string }>; icon: string };
};
const config = yaml.load(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const resources = join(root, config.directories.buildResources);

/** Width and height from a PNG's IHDR chunk (PNG spec §11.2.2). */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('the electron-builder config', () => {
  it('passes electron-builder’s own schema', { timeout: 60_000 }, async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('builds AppImage, deb and rpm; NSIS; dmg and zip', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.mac.target.map((t) => t.target)).toEqual(['dmg', 'zip']);
  });

  it('rebuilds better-sqlite3 for Electron and keeps it out of the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
  });

  it('ships the bundles and the renderer, but not the test bridge or source maps', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/node/**', 'dist/renderer/**', '!dist/node/dev-web.cjs', '!**/*.map']));
    expect(config.publish).toBeNull();
  });

  it('names an afterPack hook and resources that exist', () => {
    expect(existsSync(join(root, config.afterPack))).toBe(true);
    for (const { from } of config.extraResources) expect(existsSync(join(root, from)), from).toBe(true);
  });

  it('is what `npm run dist` uses', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.dist).toContain('electron-builder --config build/electron-builder.yml');
    expect(scripts['test:electron']).toBe('vitest run --project electron-smoke');
  });
});

describe('the icons', () => {
  it('has a PNG of every size the Linux icon set names', () => {
    const dir = join(resources, config.linux.icon);
    const files = readdirSync(dir).filter((f) => f.endsWith('.png'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) {
      const [w, h] = pngSize(readFileSync(join(dir, file)));
      expect(`${w}x${h}.png`).toBe(file);
    }
    expect(files).toContain('512x512.png');
  });

  it('has a Windows .ico with PNG images from 16 to 256 px', () => {
    const ico = readFileSync(join(resources, config.win.icon));
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
      const entry = 6 + 16 * i;
      const image = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8));
      const [w] = pngSize(image);
      expect(ico.readUInt8(entry) || 256).toBe(w);
      return w;
    });
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
  });

  it('has a macOS .icns with every size up to 1024 px', () => {
    const icns = readFileSync(join(resources, config.mac.icon));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found = new Map<string, number>();
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      found.set(icns.subarray(at, at + 4).toString('latin1'), pngSize(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4)))[0]);
    }
    expect(Object.fromEntries(found)).toMatchObject({ icp4: 16, icp5: 32, ic07: 128, ic08: 256, ic09: 512, ic10: 1024 });
  });

  it('has every icon the running app loads, for every platform', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      for (const path of Object.values(iconFiles(join(root, 'build', 'icons', 'runtime'), platform))) {
        expect(existsSync(path), path).toBe(true);
      }
    }
    expect(pngSize(readFileSync(join(root, 'build', 'icons', 'runtime', 'overlay.png')))).toEqual([16, 16]);
  });
});

describe('the Electron fuses', () => {
  it.each(['linux', 'win32', 'darwin'])('turn off NODE_OPTIONS and --inspect and load the app only from its asar (%s)', (platform) => {
    expect(fuseSettings(platform)).toMatchObject({
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it.each(['linux', 'win32', 'darwin'])('keep Node mode (ELECTRON_RUN_AS_NODE), which the `homing` launcher runs the CLI in (%s)', (platform) => {
    expect(fuseSettings(platform).runAsNode).toBe(true);
  });

  it('check the asar’s integrity where electron-builder embeds its hash (macOS, Windows)', () => {
    expect(fuseSettings('darwin').enableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(fuseSettings('win32').enableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(fuseSettings('linux').enableEmbeddedAsarIntegrityValidation).toBe(false);
  });

  it('are flipped in the packed executable', () => {
    const names = { appOutDir: '/out', productFilename: 'Homing', executableName: 'homing' };
    expect(packedExecutable({ ...names, electronPlatformName: 'darwin' })).toBe('/out/Homing.app');
    expect(packedExecutable({ ...names, electronPlatformName: 'win32' })).toBe('/out/Homing.exe');
    expect(packedExecutable({ ...names, electronPlatformName: 'linux' })).toBe('/out/homing');
  });
});

describe('the packaged-app smoke check', () => {
  it('passes only once the first-run screen shows (the service answered the window)', () => {
    expect(smokePassed('Welcome to Homing\nYour mail, on your own computer')).toBe(true);
    expect(smokePassed('')).toBe(false);
    expect(smokePassed('Homing cannot open its mail folder')).toBe(false);
  });
});

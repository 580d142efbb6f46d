import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_NODE_VERSION, atLeast } from '../../../build/require-node.mjs';

/**
 * What the installers promise, checked on their configuration (test/packaging/ checks what electron-builder
 * makes of it): the package metadata deb and rpm need, distinct names for the window and the command line,
 * the command line on PATH from the deb and rpm, the README saying the same, and Node versions that say
 * what each command needs.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(join(root, 'package.json'));
const yaml = require('js-yaml') as { load(text: string): unknown };
type Pkg = {
  name: string;
  productName: string;
  homepage?: string;
  repository?: { type: string; url: string };
  author?: { name: string; email?: string } | string;
  desktopName?: string;
  bin: Record<string, string>;
  engines: { node: string };
  scripts: Record<string, string>;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Pkg;
type Config = {
  linux: { executableName: string; syncDesktopName?: boolean };
  deb?: { fpm?: string[] };
  rpm?: { fpm?: string[]; depends?: string[] };
  extraResources: Array<{ from: string; to: string }>;
  toolsets?: { appimage?: string };
};
const config = yaml.load(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as Config;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = (title: string) => {
  const start = readme.indexOf(`## ${title}`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 3);
  return readme.slice(start, end < 0 ? undefined : end);
};

describe('package metadata (deb and rpm refuse to build without it)', () => {
  it('has a homepage, a repository at the same address, and an author with an e-mail', () => {
    expect(pkg.homepage).toMatch(/^https:\/\/\S+$/);
    expect(pkg.repository?.url).toBe(`git+${pkg.homepage}.git`);
    expect(typeof pkg.author === 'object' && pkg.author.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
  });

  it('names the .desktop file (desktopName), which Electron also uses as the window’s app_id / WM_CLASS', () => {
    expect(pkg.desktopName).toMatch(/^[a-z][a-z0-9.-]*\.desktop$/);
    expect(config.linux.syncDesktopName).toBe(true);
  });
});

describe('the window and the command line', () => {
  it('have different names: homing-desktop opens the window, homing is the command line', () => {
    expect(Object.keys(pkg.bin)).toEqual(['homing']);
    expect(config.linux.executableName).not.toBe('homing');
    expect(config.linux.executableName).toBe('homing-desktop');
  });

  it('the deb and rpm put the command line on PATH as /usr/bin/homing: a link to the launcher the app ships', () => {
    for (const target of [config.deb, config.rpm]) expect(target?.fpm).toContain('build/linux/homing-on-path=/usr/bin/homing');
    const link = join(root, 'build', 'linux', 'homing-on-path');
    expect(readlinkSync(link)).toBe(`/opt/${pkg.productName}/resources/cli/homing`);
    expect(config.extraResources).toContainEqual({ from: 'build/cli', to: 'cli' });
    expect(statSync(join(root, 'build', 'cli', 'homing')).mode & 0o111).not.toBe(0);
  });

  it('the launchers run the app’s binary in Node mode on the CLI bundled in the asar, on every system', () => {
    const sh = readFileSync(join(root, 'build', 'cli', 'homing'), 'utf8');
    expect(sh).toContain('ELECTRON_RUN_AS_NODE=1 exec "$app" "$resources/app.asar/dist/node/homing.cjs" "$@"');
    expect(sh).toContain(`/${config.linux.executableName}"`); // Linux: the window's binary, beside resources/
    expect(sh).toContain('/MacOS/Homing"'); // macOS: inside Homing.app
    const cmd = readFileSync(join(root, 'build', 'cli', 'homing.cmd'), 'utf8');
    expect(cmd).toContain('set ELECTRON_RUN_AS_NODE=1');
    expect(cmd).toContain('"%~dp0..\\..\\Homing.exe" "%~dp0..\\app.asar\\dist\\node\\homing.cjs" %*');
    expect(cmd).toMatch(/\r\n/);
    expect(pkg.bin.homing).toBe('dist/node/homing.cjs');
  });

  it('the README names both as the installers install them', () => {
    const install = section('Installing from a release');
    expect(install).toContain(`\`${config.linux.executableName}\` opens the window`);
    expect(install).toContain('`homing` is the command line');
    expect(install).toContain(`/opt/${pkg.productName}/resources/cli/homing`);
    expect(install).toContain('Install Command-Line Tool…');
    expect(section('The command line')).toContain(`\`homing\` is the command line; the window is \`${config.linux.executableName}\``);
    // Nowhere does the README start the window with `homing`.
    expect(readme).not.toMatch(/`homing`[^.\n]*(opens|starts) the (app|window)/);
  });

  it('the README’s Linux caveats match the build: the AppArmor profile, the AppImage’s runtime without libfuse2, libsecret', () => {
    const install = section('Installing from a release');
    expect(config.toolsets?.appimage).not.toBe('0.0.0');
    expect(install).toContain('no `libfuse2`');
    expect(install).toContain('Ubuntu 23.10');
    expect(install).toContain('AppArmor');
    expect(install).toContain(`/opt/${pkg.productName}/${config.linux.executableName}`);
    expect(config.rpm?.depends).toContain('libsecret');
    expect(install).toContain('Open Anyway');
  });
});

describe('Node versions', () => {
  const lowest = (range: string) => range.split('||').map((r) => r.trim().replace(/^[\^>=~ ]+/, ''));
  const engine = (name: string) => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node ?? '';

  it('npm start and npm run dist ask for the Node that Electron’s tools need', () => {
    for (const tool of ['electron', '@electron/get', '@electron/rebuild']) {
      for (const floor of lowest(engine(tool))) expect(atLeast(APP_NODE_VERSION, floor), `${tool} needs ${floor}`).toBe(true);
    }
    expect(pkg.scripts.start).toMatch(/^node build\/require-node\.mjs && /);
    expect(pkg.scripts.dist).toMatch(/^node build\/require-node\.mjs && /);
    expect(atLeast('22.11.0', APP_NODE_VERSION)).toBe(false);
    expect(atLeast('24.0.0', APP_NODE_VERSION)).toBe(true);
  });

  it('engines accepts the Node 20 the tests run on and the Node 22.12 the app needs, and the README says which is which', () => {
    expect(pkg.engines.node).toBe(`^20.19.0 || >=${APP_NODE_VERSION}`);
    expect(existsSync(join(root, 'build', 'require-node.mjs'))).toBe(true);
    const intro = readme.slice(0, readme.indexOf('## '));
    expect(intro).toContain(`\`npm start\` needs Node.js ${APP_NODE_VERSION.replace(/\.0$/, '')} or later`);
    expect(intro).toContain('the tests run on Node.js 20.19+');
  });
});

// Runs electron-builder with the project's own config (build/electron-builder.yml) for Linux x64 in a child
// process of the packaging test: the unpacked app (`--dir`) for real, with a stand-in Electron distribution
// (electronDist) and without the native rebuild for Electron (which needs Electron's headers from the
// network), then the deb, rpm and AppImage targets up to the point where electron-builder would start fpm
// or mksquashfs (tools it downloads): its `effectiveOptionComputed` hook hands over what it computed, and
// this writes it to <out>/computed.json. Usage: node pack-linux.mjs PROJECT_DIR OUT_DIR ELECTRON_DIST
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [projectDir, outDir, electronDist] = process.argv.slice(2);
const require = createRequire(join(projectDir, 'package.json'));
const { build, Platform, Arch } = require('electron-builder');
const yaml = require('js-yaml');

const config = yaml.load(readFileSync(join(projectDir, 'build', 'electron-builder.yml'), 'utf8'));
const computed = { fpm: [], appImage: [] };

await build({
  projectDir,
  targets: Platform.LINUX.createTarget(['dir', 'deb', 'rpm', 'AppImage'], Arch.x64),
  config: { ...config, electronDist, npmRebuild: false, directories: { ...config.directories, output: outDir } },
  publish: 'never',
  effectiveOptionComputed: async (options) => {
    if (Array.isArray(options)) {
      // FpmTarget: [fpm's arguments, the .desktop file]. The scripts are temporary files: read them now.
      const [args, desktopFile] = options;
      const script = (flag) => readFileSync(args[args.indexOf(flag) + 1], 'utf8');
      computed.fpm.push({ args, desktop: readFileSync(desktopFile, 'utf8'), afterInstall: script('--after-install'), afterRemove: script('--after-remove') });
    } else if (options && typeof options === 'object' && 'desktop' in options) {
      computed.appImage.push(options);
    }
    return true; // stop before the external tool
  },
});
writeFileSync(join(outDir, 'computed.json'), JSON.stringify(computed, null, 2));

// electron-builder afterPack hook: flips the Electron fuses (build/fuses.mjs) in the packed app, before
// electron-builder signs it. The @electron/fuses version is the project's own (package.json).
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { fuseSettings, packedExecutable } from './fuses.mjs';

/** @param {import('app-builder-lib').AfterPackContext} context */
export default async function afterPack(context) {
  const platform = context.electronPlatformName;
  const settings = fuseSettings(platform);
  const executable = packedExecutable({
    appOutDir: context.appOutDir,
    electronPlatformName: platform,
    productFilename: context.packager.appInfo.productFilename,
    executableName: context.packager.executableName ?? context.packager.appInfo.productFilename,
  });
  console.log(`  • flipping Electron fuses  file=${executable}`);
  await flipFuses(executable, {
    version: FuseVersion.V1,
    // Changing the binary breaks its ad-hoc signature, which Apple Silicon requires to run at all: re-sign
    // ad hoc (a real signing identity, when configured, signs again after this hook).
    resetAdHocDarwinSignature: platform === 'darwin',
    strictlyRequireAllFuses: false,
    [FuseV1Options.RunAsNode]: settings.runAsNode,
    [FuseV1Options.EnableCookieEncryption]: settings.enableCookieEncryption,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: settings.enableNodeOptionsEnvironmentVariable,
    [FuseV1Options.EnableNodeCliInspectArguments]: settings.enableNodeCliInspectArguments,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: settings.enableEmbeddedAsarIntegrityValidation,
    [FuseV1Options.OnlyLoadAppFromAsar]: settings.onlyLoadAppFromAsar,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: settings.loadBrowserProcessSpecificV8Snapshot,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: settings.grantFileProtocolExtraPrivileges,
  });
}

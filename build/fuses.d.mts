export interface FuseSettings {
  runAsNode: boolean;
  enableCookieEncryption: boolean;
  enableNodeOptionsEnvironmentVariable: boolean;
  enableNodeCliInspectArguments: boolean;
  enableEmbeddedAsarIntegrityValidation: boolean;
  onlyLoadAppFromAsar: boolean;
  loadBrowserProcessSpecificV8Snapshot: boolean;
  grantFileProtocolExtraPrivileges: boolean;
}
export function fuseSettings(platform: string): FuseSettings;
export function packedExecutable(options: {
  appOutDir: string;
  electronPlatformName: string;
  productFilename: string;
  executableName: string;
}): string;

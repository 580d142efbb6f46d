// Electron fuses for the packaged app: switches compiled into the Electron binary that no command-line
// flag or environment variable can turn back on. https://www.electronjs.org/docs/latest/tutorial/fuses
// Kept as plain data (unit-tested); after-pack.mjs flips them.

/**
 * @param {string} platform electron-builder's platform name: 'darwin' | 'mas' | 'win32' | 'linux'
 */
export function fuseSettings(platform) {
  const mac = platform === 'darwin' || platform === 'mas';
  return {
    // ELECTRON_RUN_AS_NODE is how the `homing` command runs: the installed app's own binary in Node mode on
    // the CLI in its asar (build/cli/), so the command line needs no Node.js of its own, loads the same
    // native modules and reads the same keychain entries as the app. The cost: anyone who can start the app
    // can run it as a general Node.js. On Linux and Windows that gives nothing the user's own shell lacks
    // (the Secret Service and the Credential Manager answer the user, not a program); on macOS it gives
    // what the keychain grants Homing's signature (README, "The command line").
    runAsNode: true,
    // Cookies and other Chromium storage encrypted with the OS key (the same keychain safeStorage uses).
    enableCookieEncryption: true,
    // NODE_OPTIONS and --inspect would let another program inject code into the main process.
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // electron-builder embeds the asar's hash on macOS (Info.plist) and Windows (a resource); Linux has none.
    enableEmbeddedAsarIntegrityValidation: mac || platform === 'win32',
    // Load the app only from app.asar, never from a loose folder placed beside it.
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    // The app is served from app://; file:// gets no special powers.
    grantFileProtocolExtraPrivileges: false,
  };
}

/** The packed Electron executable whose fuses are flipped (as electron-builder's own fuse step finds it). */
export function packedExecutable({ appOutDir, electronPlatformName, productFilename, executableName }) {
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return `${appOutDir}/${productFilename}.app`;
  if (electronPlatformName === 'win32') return `${appOutDir}/${productFilename}.exe`;
  return `${appOutDir}/${executableName}`;
}

import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, win32 } from 'node:path';

/**
 * "Install Command-Line Tool…" (the app menu on macOS, Help on Windows): puts `homing` on the user's PATH,
 * pointing at the launcher the installed app ships in resources/cli (build/cli/), which runs the app's own
 * binary in Node mode on the bundled CLI. The deb and rpm install /usr/bin/homing themselves; the AppImage
 * mounts itself at a new path on every start, so it offers nothing (README, "Installing").
 */
export type CliInstallPlan =
  | { kind: 'symlink'; path: string; target: string; onPath: boolean }
  | { kind: 'cmd-file'; path: string; target: string; content: string; onPath: boolean };

export type CliInstallOutcome = { ok: true; path: string; onPath: boolean } | { ok: false; path: string; reason: string };

/** The first line of the .cmd this writes on Windows: what makes a later install replace it. */
const CMD_MARKER = '@rem Homing command-line tool';

/** Where the platforms want the tool, or null where the app offers no such item. */
export function planCliInstall(options: {
  platform: NodeJS.Platform;
  /** process.resourcesPath of the installed app. */
  resourcesPath: string;
  homeDir: string;
  env: NodeJS.ProcessEnv;
  /** Whether a folder exists and this user may create files in it. */
  canWriteTo(dir: string): boolean;
}): CliInstallPlan | null {
  const { platform, resourcesPath, homeDir, env, canWriteTo } = options;
  if (platform === 'darwin') {
    const target = join(resourcesPath, 'cli', 'homing');
    // /usr/local/bin is on every shell's PATH (/etc/paths); where this user may not write there (Apple
    // Silicon Macs without Homebrew have none), ~/.local/bin, which the message asks to add to PATH.
    if (canWriteTo('/usr/local/bin')) return { kind: 'symlink', path: '/usr/local/bin/homing', target, onPath: true };
    return { kind: 'symlink', path: join(homeDir, '.local', 'bin', 'homing'), target, onPath: false };
  }
  if (platform === 'win32') {
    const localAppData = env.LOCALAPPDATA ?? win32.join(homeDir, 'AppData', 'Local');
    const target = win32.join(resourcesPath, 'cli', 'homing.cmd');
    // WindowsApps is on every user's PATH on Windows 10 and 11 (it holds the app execution aliases); a
    // symlink would need Developer Mode, so a one-line .cmd that calls the app's own launcher.
    return {
      kind: 'cmd-file',
      path: win32.join(localAppData, 'Microsoft', 'WindowsApps', 'homing.cmd'),
      target,
      content: `${CMD_MARKER}, calls the installed app's launcher\r\n@"${target}" %*\r\n`,
      onPath: true,
    };
  }
  return null;
}

/**
 * Carries a plan out. A link or .cmd this made before is replaced (the app may have moved); anything else
 * already at that path, such as another program's `homing`, is left alone and reported.
 */
export function installCli(plan: CliInstallPlan): CliInstallOutcome {
  const { path } = plan;
  try {
    const existing = lstatOrNull(path);
    if (existing) {
      const ours =
        plan.kind === 'symlink'
          ? existing.isSymbolicLink() && readlinkSync(path).endsWith(join('cli', 'homing'))
          : existing.isFile() && readFileSync(path, 'utf8').startsWith(CMD_MARKER);
      if (!ours) return { ok: false, path, reason: `${path} already exists and is not Homing's; remove it first` };
      unlinkSync(path);
    }
    mkdirSync(dirname(path), { recursive: true });
    if (plan.kind === 'symlink') symlinkSync(plan.target, path);
    else writeFileSync(path, plan.content);
    return { ok: true, path, onPath: plan.onPath };
  } catch (error) {
    return { ok: false, path, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The message shown after an install. */
export function describeCliInstall(outcome: CliInstallOutcome): { title: string; detail: string } {
  if (!outcome.ok) return { title: 'The command-line tool was not installed', detail: outcome.reason };
  const dir = dirname(outcome.path);
  return {
    title: 'The homing command is installed',
    detail: outcome.onPath
      ? `${outcome.path}\n\nOpen a new terminal and run: homing --help`
      : `${outcome.path}\n\n${dir} is not on your PATH yet. Add it (for zsh: echo 'export PATH="${dir}:$PATH"' >> ~/.zprofile), then open a new terminal and run: homing --help`,
  };
}

/** The entry at a path itself (a dangling link included), or null when there is none. */
function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

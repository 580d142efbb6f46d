import { lstatSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCliInstall, installCli, planCliInstall } from '../../../../electron/shell/cli-install';

const home = '/Users/me';
const plan = (platform: NodeJS.Platform, writable: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  planCliInstall({ platform, resourcesPath: platform === 'win32' ? 'C:\\Apps\\Homing\\resources' : '/Applications/Homing.app/Contents/Resources', homeDir: home, env, canWriteTo: (dir) => writable.includes(dir) });

describe('planning "Install Command-Line Tool"', () => {
  it('macOS: links /usr/local/bin/homing to the app’s launcher where the user may write there', () => {
    expect(plan('darwin', ['/usr/local/bin'])).toEqual({
      kind: 'symlink',
      path: '/usr/local/bin/homing',
      target: '/Applications/Homing.app/Contents/Resources/cli/homing',
      onPath: true,
    });
  });

  it('macOS: falls back to ~/.local/bin, which is not on PATH by default', () => {
    expect(plan('darwin', [])).toMatchObject({ kind: 'symlink', path: '/Users/me/.local/bin/homing', onPath: false });
  });

  it('Windows: a one-line homing.cmd in WindowsApps (on every user’s PATH) calling the app’s launcher', () => {
    const windows = plan('win32', [], { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' });
    expect(windows).toMatchObject({ kind: 'cmd-file', path: 'C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\homing.cmd', onPath: true });
    expect(windows?.kind === 'cmd-file' && windows.content).toContain('@"C:\\Apps\\Homing\\resources\\cli\\homing.cmd" %*\r\n');
  });

  it('Linux: nothing (the deb and rpm install /usr/bin/homing; the AppImage moves on every start)', () => {
    expect(plan('linux', ['/usr/local/bin'])).toBeNull();
  });
});

describe('installing the command-line tool', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'homing-cli-install-'));

  it('creates the link (and its folder), and replaces a link it made before', () => {
    const d = dir();
    const path = join(d, 'bin', 'homing');
    expect(installCli({ kind: 'symlink', path, target: '/old/Homing.app/Contents/Resources/cli/homing', onPath: false })).toEqual({ ok: true, path, onPath: false });
    expect(installCli({ kind: 'symlink', path, target: '/Applications/Homing.app/Contents/Resources/cli/homing', onPath: false })).toMatchObject({ ok: true });
    expect(readlinkSync(path)).toBe('/Applications/Homing.app/Contents/Resources/cli/homing');
  });

  it('leaves another program’s homing alone and says so', () => {
    const d = dir();
    const path = join(d, 'homing');
    writeFileSync(path, '#!/bin/sh\necho someone else\n');
    const outcome = installCli({ kind: 'symlink', path, target: '/Applications/Homing.app/Contents/Resources/cli/homing', onPath: true });
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('not Homing') });
    expect(readFileSync(path, 'utf8')).toContain('someone else');
    const link = join(d, 'other');
    symlinkSync('/usr/lib/other/homing-tool', link);
    expect(installCli({ kind: 'symlink', path: link, target: '/x/cli/homing', onPath: true })).toMatchObject({ ok: false });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('writes the Windows .cmd, replaces its own, refuses a foreign one', () => {
    const d = dir();
    const planned = plan('win32', [], { LOCALAPPDATA: d });
    if (planned?.kind !== 'cmd-file') throw new Error('expected a cmd-file plan');
    const local = { ...planned, path: join(d, 'WindowsApps', 'homing.cmd') };
    expect(installCli(local)).toMatchObject({ ok: true });
    expect(installCli(local)).toMatchObject({ ok: true });
    expect(readFileSync(local.path, 'utf8')).toBe(planned.content);
    writeFileSync(local.path, '@echo another homing\r\n');
    expect(installCli(local)).toMatchObject({ ok: false });
  });

  it('reports a folder it cannot create', () => {
    const d = dir();
    writeFileSync(join(d, 'blocker'), '');
    expect(installCli({ kind: 'symlink', path: join(d, 'blocker', 'bin', 'homing'), target: '/x/cli/homing', onPath: true })).toMatchObject({ ok: false });
  });

  it('tells the user what to do next', () => {
    expect(describeCliInstall({ ok: true, path: '/usr/local/bin/homing', onPath: true }).detail).toContain('homing --help');
    expect(describeCliInstall({ ok: true, path: '/Users/me/.local/bin/homing', onPath: false }).detail).toContain('export PATH="/Users/me/.local/bin:$PATH"');
    expect(describeCliInstall({ ok: false, path: '/x', reason: 'EACCES' })).toEqual({ title: 'The command-line tool was not installed', detail: 'EACCES' });
  });
});

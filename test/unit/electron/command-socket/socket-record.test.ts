import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxSocketPathBytes } from '../../../../electron/command-socket/limits';
import {
  chooseSocketPlace,
  clearStaleSocket,
  readSocketRecord,
  recordPathOf,
  removeFallback,
  removeSocketRecord,
  writeSocketRecord,
} from '../../../../electron/command-socket/socket-record';

const temp = () => mkdtempSync(join(tmpdir(), 'homing-socket-record-'));
const record = (address: string, token = 't'.repeat(43)) => ({ pid: process.pid, host: 'h', version: '1', address, token });

describe('where the command socket goes', () => {
  it('is homing.sock in the data directory when the path fits', () => {
    const dir = temp();
    expect(chooseSocketPlace(dir, 'linux', {})).toEqual({ address: join(dir, 'homing.sock') });
  });

  it('is a new private folder under XDG_RUNTIME_DIR when the data directory’s path is over the limit (103 bytes on macOS, 107 on Linux)', () => {
    const runtime = temp();
    let dataDir = temp();
    while (Buffer.byteLength(join(dataDir, 'homing.sock')) <= 103) dataDir = join(dataDir, 'deeper');
    const place = chooseSocketPlace(dataDir, 'darwin', { XDG_RUNTIME_DIR: runtime });
    expect(place.fallbackDir).toBeDefined();
    expect(dirname(place.fallbackDir!)).toBe(runtime);
    expect(place.address).toBe(join(place.fallbackDir!, 's'));
    expect(statSync(place.fallbackDir!).mode & 0o777).toBe(0o700);
    expect(Buffer.byteLength(place.address)).toBeLessThanOrEqual(maxSocketPathBytes('darwin'));
    // A socket path of 105 bytes fits on Linux, not on macOS.
    const base = temp();
    const between = join(base, 'x'.repeat(106 - Buffer.byteLength(join(base, 'x', 'homing.sock'))));
    expect(Buffer.byteLength(join(between, 'homing.sock'))).toBe(105);
    expect(chooseSocketPlace(between, 'linux', {}).fallbackDir).toBeUndefined();
    const onMac = chooseSocketPlace(between, 'darwin', {});
    expect(onMac.fallbackDir).toBeDefined();
    removeFallback(onMac.address, onMac.fallbackDir!);
    removeFallback(place.address, place.fallbackDir!);
    expect(existsSync(place.fallbackDir!)).toBe(false);
  });

  it('falls back to the temporary folder when XDG_RUNTIME_DIR is not there', () => {
    const place = chooseSocketPlace(join(temp(), 'y'.repeat(120)), 'linux', { XDG_RUNTIME_DIR: join(temp(), 'missing') });
    expect(place.fallbackDir).toBeDefined();
    removeFallback(place.address, place.fallbackDir!);
  });

  it('is a pipe with 128 random bits in its name on Windows', () => {
    const a = chooseSocketPlace('C:\\Users\\me\\AppData\\Roaming\\Homing', 'win32', {});
    const b = chooseSocketPlace('C:\\Users\\me\\AppData\\Roaming\\Homing', 'win32', {});
    expect(a.address).toMatch(/^\\\\\.\\pipe\\homing-[0-9a-f]{32}$/);
    expect(a.address).not.toBe(b.address);
  });
});

describe('the socket record', () => {
  it('is written whole with mode 0600, read back, and removed only by the holder whose token it has', () => {
    const dir = temp();
    writeSocketRecord(dir, record('/x/s', 'a'.repeat(43)));
    expect(statSync(recordPathOf(dir)).mode & 0o777).toBe(0o600);
    expect(readSocketRecord(dir)).toMatchObject({ address: '/x/s' });
    removeSocketRecord(dir, 'b'.repeat(43));
    expect(readSocketRecord(dir)).not.toBeNull();
    removeSocketRecord(dir, 'a'.repeat(43));
    expect(existsSync(recordPathOf(dir))).toBe(false);
  });

  it('reads as none when damaged or incomplete', () => {
    const dir = temp();
    writeFileSync(recordPathOf(dir), '{"pid": 1');
    expect(readSocketRecord(dir)).toBeNull();
    writeFileSync(recordPathOf(dir), JSON.stringify({ pid: 1, address: '/x' }));
    expect(readSocketRecord(dir)).toBeNull();
  });

  it('clearing a stale socket removes a socket file and the old fallback folder, never a file of the user’s', async () => {
    const dir = temp();
    const address = join(dir, 'homing.sock');
    // What a killed holder leaves behind: a socket file nobody listens on.
    const script = `require('node:net').createServer().listen(${JSON.stringify(address)}, () => process.kill(process.pid, 'SIGKILL'))`;
    await new Promise<void>((resolve) => execFile(process.execPath, ['-e', script], () => resolve()));
    expect(statSync(address).isSocket()).toBe(true);
    const old = chooseSocketPlace(join(temp(), 'z'.repeat(120)), 'linux', {});
    writeFileSync(old.address, '');
    writeSocketRecord(dir, { ...record(old.address), fallbackDir: old.fallbackDir! });
    clearStaleSocket(dir, address);
    expect(existsSync(address)).toBe(false);
    expect(existsSync(old.fallbackDir!)).toBe(false);

    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'homing.sock'), 'mine');
    expect(() => clearStaleSocket(join(dir, 'other'), join(dir, 'other', 'homing.sock'))).toThrow(/is not a socket/);
    expect(existsSync(join(dir, 'other', 'homing.sock'))).toBe(true);
  });
});

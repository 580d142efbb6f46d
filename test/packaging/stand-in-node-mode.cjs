/* global require, process, Buffer, console */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: runs as a plain script */
// The stand-in Electron binary's body (see stand-in-electron.ts, which writes the binary that execs this):
// argv is [node, this file, the binary's own path, ...the binary's arguments]. Like Electron, it honours
// ELECTRON_RUN_AS_NODE only when the binary's RunAsNode fuse is on, and then runs the script it is given,
// reading files inside app.asar as Electron's Node mode does: plain Node cannot, so the archive is extracted
// once (with its .unpacked folder) and the same path is run there. Without Node mode it would be the GUI,
// which cannot run here: it says so and exits 3.
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, renameSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, sep } = require('node:path');

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const [binary, ...args] = process.argv.slice(2);

function runAsNodeFuse(file) {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from(SENTINEL));
  if (at < 0) throw new Error(`no fuse wire in ${file}`);
  return bytes[at + SENTINEL.length + 2] === 0x31; // fuse 0, RunAsNode: '1' on
}

if (process.env.ELECTRON_RUN_AS_NODE !== '1' || !runAsNodeFuse(binary)) {
  console.error('stand-in Electron: this would start the app window, which cannot run here (Node mode needs ELECTRON_RUN_AS_NODE=1 and the RunAsNode fuse)');
  process.exit(3);
}

const [script, ...rest] = args;
const marker = `${sep}app.asar${sep}`;
let target = script;
if (script && script.includes(marker)) {
  const archive = script.slice(0, script.indexOf(marker) + marker.length - 1);
  const key = createHash('sha256').update(`${archive}:${statSync(archive).mtimeMs}`).digest('hex').slice(0, 16);
  const extracted = join(tmpdir(), `homing-stand-in-asar-${key}`);
  if (!existsSync(extracted)) {
    const asar = require(process.env.STAND_IN_ASAR_MODULE);
    const partial = `${extracted}.${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    asar.extractAll(archive, partial);
    renameSync(partial, extracted);
  }
  target = join(extracted, script.slice(archive.length + 1));
}
const env = { ...process.env };
// Only what Electron's Node mode would see: no module path pointing back into the project.
delete env.ELECTRON_RUN_AS_NODE;
delete env.STAND_IN_ASAR_MODULE;
delete env.NODE_PATH;
const child = spawnSync(process.execPath, target ? [target, ...rest] : rest, { stdio: 'inherit', env });
process.exit(child.status ?? 1);

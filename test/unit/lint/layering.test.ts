import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the file at `path` (nothing is written to the tree). */
async function layeringErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'homing/layering').map((m) => m.message);
}

describe('the layering lint rule', () => {
  it('fails a renderer file that imports from electron/', async () => {
    const errors = await layeringErrors('renderer/Probe.ts', "import { openReadDb } from '../electron/store/open';\nexport const x = openReadDb;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('renderer may not import electron/store/open');
  });

  it('fails a renderer file that imports Node built-ins or the electron package', async () => {
    expect(await layeringErrors('renderer/Probe.ts', "import { readFile } from 'node:fs';\nexport const x = readFile;\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/Probe.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n")).toHaveLength(1);
  });

  it('fails shared/ importing either side', async () => {
    expect(await layeringErrors('shared/probe.ts', "import { api } from '../renderer/api/client';\nexport const x = api;\n")).toHaveLength(1);
    expect(await layeringErrors('shared/probe.ts', "import React from 'react';\nexport const x = React;\n")).toHaveLength(1);
  });

  it('keeps the store below sync and the electron package in the shell', async () => {
    expect(await layeringErrors('electron/store/probe.ts', "import { createWriter } from '../sync/writer';\nexport const x = createWriter;\n")).toHaveLength(1);
    expect(await layeringErrors('electron/store/probe.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(1);
    expect(await layeringErrors('electron/service/probe.ts', "import { createDom } from 'react-dom';\nexport const x = createDom;\n")).toHaveLength(1);
  });

  it('keeps the protocol clients below accounts and sync, and accounts off sync', async () => {
    expect(await layeringErrors('electron/protocols/imap/probe.ts', "import { openWriteDb } from '../../store/open';\nexport const x = openWriteDb;\n")).toHaveLength(1);
    expect(await layeringErrors('electron/protocols/pop3/probe.ts', "import { createWriter } from '../../sync/writer';\nexport const x = createWriter;\n")).toHaveLength(1);
    expect(await layeringErrors('electron/protocols/pop3/probe.ts', "import { parseMessage } from '../../mime/parse-message';\nexport const x = parseMessage;\n")).toHaveLength(1);
    expect(await layeringErrors('electron/accounts/probe.ts', "import { createWriter } from '../sync/writer';\nexport const x = createWriter;\n")).toHaveLength(1);
    expect(await layeringErrors('electron/accounts/probe.ts', "import { Pop3Client } from '../protocols/pop3/pop3-client';\nexport const x = Pop3Client;\n")).toEqual([]);
    expect(await layeringErrors('electron/sync/probe.ts', "import { connectImap } from '../protocols/imap/imap-connection';\nexport const x = connectImap;\n")).toEqual([]);
    expect(await layeringErrors('electron/protocols/imap/probe.ts', "import { mapNetworkError } from '../../net/network-errors';\nexport const x = mapNetworkError;\n")).toEqual([]);
  });

  it('allows the directions the design allows', async () => {
    expect(await layeringErrors('renderer/Probe.ts', "import { contract } from '../shared/contract';\nexport const x = contract;\n")).toEqual([]);
    expect(await layeringErrors('electron/sync/probe.ts', "import { openWriteDb } from '../store/open';\nexport const x = openWriteDb;\n")).toEqual([]);
    expect(await layeringErrors('electron/main.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([]);
  });
});

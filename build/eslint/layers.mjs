// The dependency direction, written down once and checked on every import (VS Code's code-layering idea).
// Layers are folders; each lists the folders it may import from. Module rules say which npm packages and
// Node built-ins a layer may use at all.

/** Folder → folders it may import (relative imports are resolved to files first). Longest prefix wins. */
export const layers = {
  'shared': ['shared'],
  'renderer': ['renderer', 'shared'],
  'electron/mime': ['electron/mime', 'shared'],
  // Sockets, TLS trust and network error mapping: a leaf every protocol client uses.
  'electron/net': ['electron/net', 'shared'],
  'electron/store': ['electron/store', 'electron/mime', 'shared', 'package.json'],
  // The protocol clients (IMAP connection, POP3 client; SMTP beside them): wire protocols only, no store and
  // no sync. A POP3 RETR hands back a MessageSource (memory or temp file), whose type lives in mime/.
  'electron/protocols': ['electron/protocols', 'electron/net', 'electron/mime/message-source.ts', 'shared'],
  // Connection tests log in with the protocol clients.
  'electron/accounts': ['electron/accounts', 'electron/store', 'electron/mime', 'electron/net', 'electron/protocols', 'shared', 'electron/not-built.ts'],
  'electron/sync': ['electron/sync', 'electron/store', 'electron/mime', 'electron/net', 'electron/protocols', 'electron/accounts', 'shared', 'electron/not-built.ts'],
  'electron/service': [
    'electron/service',
    'electron/store',
    'electron/accounts',
    'electron/mime',
    'electron/net',
    // The service reaches the writer only through its client and protocol.
    'electron/sync/worker-client.ts',
    'electron/sync/worker-protocol.ts',
    'shared',
    'electron/version.ts',
    'electron/not-built.ts',
  ],
  // The writer's local socket (served by the app, dev:web and `homing sync --watch`; the CLI's client): the
  // service reaches it only as a contract type and the `dispatch` gate, never as an import.
  'electron/command-socket': ['electron/command-socket', 'electron/store/data-dir.ts', 'shared', 'electron/version.ts'],
  'electron/cli': ['electron/cli', 'electron/service', 'electron/command-socket', 'electron/store/data-dir.ts', 'electron/accounts', 'shared', 'electron/version.ts'],
  // dev:web keeps every account watched with the app's own supervisor (shell/keep-watching.ts).
  'electron/bridge': [
    'electron/bridge',
    'electron/service',
    'electron/command-socket',
    'electron/store/data-dir.ts',
    'electron/accounts',
    'electron/app-csp.ts',
    'electron/shell/keep-watching.ts',
    'electron/shell/clock.ts',
    'shared',
  ],
  'electron/shell': ['electron/shell', 'electron/accounts', 'shared'],
  // The top of electron/ (main.ts and its helpers) wires everything together.
  'electron': ['electron', 'shared', 'package.json'],
};

/** Files that may import the `electron` package: the shell and named adapters, nothing else. */
export const electronImporters = [
  'electron/main.ts',
  'electron/preload.ts',
  'electron/ipc.ts',
  'electron/accounts/legacy-safe-storage.ts',
  'electron/shell/',
];

/** Packages a layer may never import, whatever its folder rules say. */
export const forbiddenPackages = {
  'shared': ['react', 'react-dom', 'better-sqlite3', 'imapflow', 'mailparser', 'ws', 'dompurify'],
  'renderer': ['better-sqlite3', 'imapflow', 'mailparser', 'ws', 'fast-xml-parser'],
  'electron': ['react', 'react-dom', 'dompurify', '@tanstack/react-virtual'],
};

/** Layers without Node built-ins (`fs`, `node:path`, …). */
export const noNodeBuiltins = ['shared', 'renderer'];

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../../shared/account-capabilities';
import { type AccountKind, defaultAccountSettings, LOCAL_ACCOUNT_ID } from '../../../../shared/contract/accounts';
import { findAccount, insertAccount, listAccounts } from '../../../../electron/store/accounts';
import type { WriteDb } from '../../../../electron/store/db';
import type { FolderRow } from '../../../../electron/store/folders';
import { closeDb, openWriteDb } from '../../../../electron/store/open';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import type { ActionRow } from '../../../../electron/sync/engine';
import { engineFor } from '../../../../electron/sync/engines';

const kinds: AccountKind[] = ['imap', 'pop3', 'local'];

const open: WriteDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) closeDb(db);
});

function temporaryDb(): WriteDb {
  const db = openWriteDb(join(mkdtempSync(join(tmpdir(), 'homing-capabilities-')), 'homing.sqlite'));
  open.push(db);
  return db;
}

describe('what an account can do, as the window sees it', () => {
  it('states for every kind of account what its engine does', () => {
    const db = temporaryDb();
    for (const kind of kinds) {
      const engine = engineFor({ protocol: kind });
      const account = findAccount(db, LOCAL_ACCOUNT_ID)!;
      // Whether its engine takes mail from another account: asked with no messages, so nothing changes.
      let receives = true;
      try {
        writeTransaction(db, (changes) => engine.actions.receive({ db, changes, account }, [], {} as FolderRow));
      } catch {
        receives = false;
      }
      // Whether it keeps a choice about the server's copy: its keepOnServer reaches the store at all (for a
      // message that is not there, so nothing changes).
      let touched = false;
      const watched = new Proxy(db, {
        get(target, property) {
          touched = true;
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      writeTransaction(db, (changes) => engine.actions.keepOnServer({ db: watched, changes, account }, [{ id: 999_999 } as ActionRow], true));
      expect({ kind, ...capabilitiesOf(kind) }).toEqual({ kind, hasServer: engine.hasServer, receivesFromOtherAccounts: receives, choosesServerCopy: touched });
    }
  });

  it('comes with every account read from the store, Local Folders included', () => {
    const db = temporaryDb();
    const server = { name: '', host: 'mail.example.org', port: 993, security: 'tls', trustedFingerprint: null, settings: defaultAccountSettings } as const;
    writeTransaction(db, (changes) => {
      insertAccount(db, changes, { ...server, email: 'a@example.org', username: 'a', protocol: 'imap' });
      insertAccount(db, changes, { ...server, email: 'b@example.org', username: 'b', protocol: 'pop3', port: 995 });
    });
    expect(listAccounts(db).map((a) => [a.email, a.capabilities])).toEqual([
      ['a@example.org', capabilitiesOf('imap')],
      ['b@example.org', capabilitiesOf('pop3')],
    ]);
    expect(findAccount(db, LOCAL_ACCOUNT_ID)?.capabilities).toEqual({ hasServer: false, receivesFromOtherAccounts: true, choosesServerCopy: false });
    expect(capabilitiesOf('imap').hasServer).toBe(true);
  });
});

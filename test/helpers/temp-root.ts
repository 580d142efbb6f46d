import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary folder per test run, removed when the run ends. Tests make their stores, mailboxes and
 * servers with mkdtemp(tmpdir()) and many never remove them (a killed sync or a failed assertion would
 * skip the cleanup anyway): pointing TMPDIR here before the workers start catches all of them, and the
 * children they spawn (CLI, Dovecot, Chromium) inherit it. HOMING_KEEP_TEST_TMP=1 keeps it to look at.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'homing-test-'));
  // Like /tmp: Dovecot, Cyrus and Courier drop to other users that must reach their folders in here.
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => {
    if (process.env.HOMING_KEEP_TEST_TMP === '1') console.error(`Test files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailClient } from '../../shared/client';
import type { Security } from '../../shared/contract/accounts';
import { MemoryVault } from '../../electron/accounts/vault';
import { type MailServiceHandle, openMailService } from '../../electron/service/mail-service';
import { type DovecotOptions, type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixOptions, type PostfixServer, startPostfix } from '../servers/postfix';
import { workerPath } from './cli';
import { serviceClient } from './service-client';

export interface SendingFixtureOptions {
  /** Names the data folder in the temp dir (`homing-<name>-…`). */
  name: string;
  /** Environment the worker reads when it starts (set before, removed by close). */
  env?: Record<string, string>;
  dovecot?: DovecotOptions;
  /**
   * alice's outgoing server: Postfix's `submission` (STARTTLS) or `submissions` (implicit TLS) port, Postfix
   * started with `postfix`; or a port number of a server the test starts itself, which uses Dovecot's
   * certificate. Left out: the account has no outgoing server and no Postfix is started.
   */
  smtp?: { port: 'submission' | 'submissions' | number; security: Security };
  postfix?: Omit<PostfixOptions, 'dovecot'>;
}

export interface SendingFixture {
  dovecot: DovecotServer;
  /** Null unless `smtp.port` names a Postfix port. */
  postfix: PostfixServer | null;
  /** The service's data folder. */
  dataDir: string;
  handle: MailServiceHandle;
  service: MailClient;
  /** alice@example.test on Dovecot over IMAPS, password alice-secret. */
  accountId: string;
  /** The service closed and opened again on the same data folder, as after a restart. */
  reopen(): Promise<{ handle: MailServiceHandle; service: MailClient }>;
  close(): Promise<void>;
}

/** Dovecot (and Postfix when asked), the mail service with its writer on a fresh data folder, and alice's IMAP account. */
export async function startSendingFixture(options: SendingFixtureOptions): Promise<SendingFixture> {
  const env = options.env ?? {};
  Object.assign(process.env, env);
  const unsetEnv = () => Object.keys(env).forEach((name) => delete process.env[name]);
  let dovecot: DovecotServer | null = null;
  let postfix: PostfixServer | null = null;
  try {
    dovecot = await startDovecot(options.dovecot);
    if (options.smtp && typeof options.smtp.port === 'string') postfix = await startPostfix({ ...options.postfix, dovecot });
    return await withService(options, dovecot, postfix, unsetEnv);
  } catch (error) {
    // A fixture that did not start leaves no server running behind the failed test file.
    unsetEnv();
    await postfix?.destroy();
    await dovecot?.destroy();
    throw error;
  }
}

async function withService(options: SendingFixtureOptions, dovecot: DovecotServer, postfix: PostfixServer | null, unsetEnv: () => void): Promise<SendingFixture> {
  const smtp = options.smtp;
  const dataDir = mkdtempSync(join(tmpdir(), `homing-${options.name}-`));
  const open = async () => {
    const handle = await openMailService({ dataDir, vault: new MemoryVault(), workerPath: workerPath(), startWriter: true });
    return { handle, service: serviceClient(handle.service) };
  };
  let opened = await open();
  const account = await opened.service.addAccount({
    email: 'alice@example.test',
    protocol: 'imap',
    host: '127.0.0.1',
    port: dovecot.ports.imaps,
    security: 'tls',
    username: 'alice',
    password: 'alice-secret',
    trustedFingerprint: dovecot.certificate.fingerprint256,
    ...(smtp
      ? {
          smtp: {
            host: '127.0.0.1',
            port: typeof smtp.port === 'number' ? smtp.port : postfix!.ports[smtp.port],
            security: smtp.security,
            trustedFingerprint: (postfix ?? dovecot).certificate.fingerprint256,
          },
        }
      : {}),
  });
  return {
    dovecot,
    postfix,
    dataDir,
    ...opened,
    accountId: account.id,
    async reopen() {
      await opened.handle.close();
      opened = await open();
      return opened;
    },
    async close() {
      unsetEnv();
      await opened.handle.close();
      await postfix?.destroy();
      await dovecot.destroy();
    },
  };
}

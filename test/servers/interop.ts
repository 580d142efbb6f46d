import { startCourier, courierAvailable } from './courier';
import { startCyrus, cyrusAvailable } from './cyrus';
import { dovecotAvailable, startDovecot, type TestUser } from './dovecot';
import { appendOverImap, type MailServer } from './mail-server';

export type ServerKind = MailServer['kind'];

/** Dovecot behind the same interface as Cyrus and Courier (test/servers/mail-server.ts). */
export async function startDovecotInterop(options: { users?: TestUser[] } = {}): Promise<MailServer> {
  const dovecot = await startDovecot({ users: options.users });
  const server: MailServer = {
    kind: 'dovecot',
    host: dovecot.host,
    ports: dovecot.ports,
    users: dovecot.users,
    certificate: dovecot.certificate,
    namespace: { prefix: '', delimiter: '/' },
    append: (user, folder, items) => appendOverImap(server, user, folder, items),
    stop: () => dovecot.stop(),
    start: () => dovecot.start(),
    destroy: () => dovecot.destroy(),
    log: () => dovecot.log(),
  };
  return server;
}

export function startServer(kind: ServerKind, options: { users?: TestUser[] } = {}): Promise<MailServer> {
  switch (kind) {
    case 'dovecot':
      return startDovecotInterop(options);
    case 'cyrus':
      return startCyrus(options);
    case 'courier':
      return startCourier(options);
  }
}

export function serverAvailable(kind: ServerKind): boolean {
  return { dovecot: dovecotAvailable, cyrus: cyrusAvailable, courier: courierAvailable }[kind]();
}

/** The Debian packages a server needs on the machine (.ci/install-system-packages installs them all). */
export const serverPackages: Record<ServerKind, string[]> = {
  dovecot: ['dovecot-imapd', 'dovecot-pop3d'],
  cyrus: ['cyrus-common'],
  courier: ['courier-base'],
};

/** Servers that start only as root (Cyrus's master hands its spool to `cyrus`; Courier needs a mount namespace). */
export const serversNeedingRoot: readonly ServerKind[] = ['cyrus', 'courier'];

const allServers: ServerKind[] = ['dovecot', 'cyrus', 'courier'];

/**
 * The servers an interop suite runs against, each of them required (one that cannot start fails its
 * suite with the reason, never a silent skip):
 * - `HOMING_INTEROP_SERVERS=dovecot,cyrus` names them, for a job that installs just those (the release
 *   workflow says what it installs here);
 * - otherwise, under CI (CI=true), all three;
 * - otherwise, those whose base packages are installed.
 */
export function interopMatrix(env: NodeJS.ProcessEnv = process.env): ServerKind[] {
  const named = env.HOMING_INTEROP_SERVERS?.trim();
  if (named) {
    const kinds = named.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = kinds.filter((k) => !(allServers as string[]).includes(k));
    if (unknown.length > 0) throw new Error(`HOMING_INTEROP_SERVERS names unknown servers: ${unknown.join(', ')} (known: ${allServers.join(', ')})`);
    return allServers.filter((k) => kinds.includes(k));
  }
  return env.CI ? allServers : allServers.filter(serverAvailable);
}

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

/**
 * The servers an interop suite runs against. Under CI (CI=true) every one must be there: a missing
 * server fails its suite (startServer throws with the reason), never a silent skip. Elsewhere a server
 * whose base packages are not installed is left out of the matrix.
 */
export function interopMatrix(): ServerKind[] {
  const all: ServerKind[] = ['dovecot', 'cyrus', 'courier'];
  return process.env.CI ? all : all.filter(serverAvailable);
}

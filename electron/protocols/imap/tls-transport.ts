import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { ImapTransport, ImapTransportSocket } from 'imapflow';
import type { CertificateInfo } from '../../../shared/contract/accounts';
import { describeCertificate, type NetworkOverrides, tlsOptions, type TrustPolicy, verifyPeer } from '../../net/tls-trust';

/** What the transport saw of the server's certificate (for connection tests and error details). */
export interface TransportObservations {
  certificate: CertificateInfo | null;
}

/**
 * imapflow's socket layer, replaced so that every TLS handshake Homing makes for IMAP — implicit TLS on
 * connect, or STARTTLS on an open cleartext socket — runs with `tlsOptions(policy)` and is judged by
 * `verifyPeer()` before imapflow gets the socket, i.e. before a single byte (LOGIN included) is written.
 * A refused peer destroys the socket with our coded error, which imapflow hands back from `connect()`.
 */
export function createTrustedTransport(policy: TrustPolicy, seen: TransportObservations, network: NetworkOverrides = {}): ImapTransport {
  const lookup = network.lookup ? { lookup: network.lookup } : {};
  const secure = (socket: TLSSocket, onSecure: () => void) => {
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      if (peer?.raw) seen.certificate = describeCertificate(peer);
      const refusal = verifyPeer(socket, policy);
      if (refusal) {
        socket.destroy(refusal);
        return;
      }
      onSecure();
    });
    return socket as unknown as ImapTransportSocket;
  };
  return {
    connect(options, onConnect) {
      if (options.secure) {
        return secure(tlsConnect({ host: options.host, port: options.port, ...lookup, ...tlsOptions(policy) }), onConnect);
      }
      const socket: Socket = netConnect({ host: options.host, port: options.port, ...lookup });
      socket.once('connect', onConnect);
      return socket as unknown as ImapTransportSocket;
    },
    upgrade(socket, options, onSecure) {
      // `host` is passed as well as the socket: Node checks the certificate's names against it when there is no SNI name (IP hosts).
      return secure(tlsConnect({ socket: socket as unknown as Socket, host: options.host, ...tlsOptions(policy) }), onSecure);
    },
  };
}

import type { ConnectionTestResult, OutgoingServerSettings } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import { mapNetworkError } from '../net/network-errors';
import { SmtpSession } from '../protocols/smtp/smtp-session';
import { explainFailure } from './connection-test';
import { type ProbeTimeouts, probeServer } from './probe/probe';
import { redactSecret } from './redact';
import type { Resolvers } from './resolvers';

export interface OutgoingTestInput {
  server: OutgoingServerSettings;
  /** Needed when the server settings name a user; never logged, never in the result. */
  password: string | null;
  trustedFingerprint: string | null;
}

export interface OutgoingTestOptions {
  resolvers: Resolvers;
  timeouts?: Partial<ProbeTimeouts>;
  signal?: AbortSignal;
}

/**
 * The outgoing server's "Test", like the incoming one (connection-test.ts): a probe that connects as the
 * settings say, judges the certificate and reads EHLO, telling apart the mistakes people can fix before a
 * password is sent; then a real submission session (protocols/smtp, the one that sends) that logs in and
 * says goodbye. Nothing is submitted. Failures carry a code, words, `detail.fix` and `detail.hint`.
 */
export async function testOutgoingConnection(input: OutgoingTestInput, options: OutgoingTestOptions): Promise<ConnectionTestResult> {
  const { server } = input;
  const connectPort = options.resolvers.mapPort(server.port);
  const where = { host: server.host, port: server.port };
  try {
    const probe = await probeServer({
      protocol: 'smtp',
      host: server.host,
      port: server.port,
      connectPort,
      security: server.security,
      trustedFingerprint: input.trustedFingerprint,
      network: options.resolvers.network,
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const session = await SmtpSession.connect({
      host: server.host,
      port: server.port,
      connectPort,
      security: server.security,
      trustedFingerprint: input.trustedFingerprint,
      network: options.resolvers.network,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      if (server.username !== null) {
        if (!input.password) throw new HomingError('CREDENTIALS_MISSING', 'Enter the password to test the outgoing server.');
        await session.login(server.username, input.password);
      }
      return { ok: true, capabilities: session.extensions, certificate: session.certificate ?? probe.certificate };
    } finally {
      await session.quit();
    }
  } catch (error) {
    const coded = error instanceof HomingError ? error : mapNetworkError(error, where, { security: server.security });
    return { ok: false, error: redactSecret(explainFailure(coded.toData(), 'smtp'), input.password ?? '') };
  }
}

import { HomingError } from '../../shared/errors';

/**
 * Socket-level failures in our words. Every protocol client (POP3, IMAP, the connection test) maps errors
 * through here, so the same failure has the same code and message wherever it happens.
 */
export function mapNetworkError(error: unknown, where: { host: string; port: number }): HomingError {
  if (error instanceof HomingError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const target = `${where.host}:${where.port}`;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
      return new HomingError('DNS_NOT_FOUND', `The server name ${where.host} could not be found. Check the spelling.`, { host: where.host }, { cause: error });
    case 'ECONNREFUSED':
      return new HomingError('CONNECTION_REFUSED', `${target} refused the connection: the port may be wrong, or the service is down.`, where, { cause: error });
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
    case 'CONNECT_TIMEOUT':
    case 'ETIMEOUT':
      return new HomingError('TIMEOUT', `${target} did not answer in time.`, where, { cause: error });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new HomingError('CONNECTION_LOST', `The connection to ${target} was cut (${code}).`, where, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  // OpenSSL's complaint when one side speaks TLS and the other plain text: the port and the security setting disagree.
  if (/wrong version number|unknown protocol|packet length too long|http request|ssl3_get_record/i.test(message)) {
    return new HomingError('TLS_WRONG_PORT', `${target} did not answer as the security setting expects: use SSL/TLS on ports 993/995, STARTTLS on 143/110.`, where, { cause: error });
  }
  if (typeof code === 'string' && code.startsWith('ERR_SSL')) {
    return new HomingError('TLS_FAILED', `A secure connection to ${target} could not be set up (${code}).`, where, { cause: error });
  }
  return new HomingError('CONNECTION_LOST', `The connection to ${target} failed: ${message}`, where, { cause: error });
}

import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  certPath: string;
  keyPath: string;
  pem: string;
  /** Lowercase hex SHA-256 of the DER certificate (what a user pins). */
  fingerprint256: string;
}

/**
 * A self-signed certificate made by openssl (the command is in test/servers/README.md). `names` become the subjectAltName
 * (DNS names, or IP addresses when they look like one); the first is also the CN.
 */
export async function makeCertificate(
  dir: string,
  names: string[] = ['localhost', '127.0.0.1'],
  options: { days?: number; basename?: string } = {},
): Promise<TestCertificate> {
  const base = options.basename ?? 'server';
  const certPath = join(dir, `${base}.crt`);
  const keyPath = join(dir, `${base}.key`);
  const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256',
    '-days', String(options.days ?? 30),
    '-subj', `/CN=${names[0]}`,
    '-addext', `subjectAltName=${san}`,
    '-keyout', keyPath, '-out', certPath,
  ]);
  const pem = await readFile(certPath, 'utf8');
  const der = new X509Certificate(pem).raw;
  return { certPath, keyPath, pem, fingerprint256: createHash('sha256').update(der).digest('hex') };
}

import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestCertificate } from './certificate';

const run = promisify(execFile);

/**
 * A private certificate authority for tests (openssl), so servers can present certificates that verify
 * normally once the test trusts the CA, and certificates that are expired, for other names, or from an
 * unknown issuer. Nothing here touches the system's trust store.
 */
export interface TestCa {
  readonly dir: string;
  /** The CA certificate (what a test passes as an extra authority). */
  readonly pem: string;
  readonly certPath: string;
  /** A server certificate signed by this CA. Dates default to "valid from yesterday for 30 days". */
  issue(names: string[], options?: { notBefore?: Date; notAfter?: Date; basename?: string }): Promise<TestCertificate>;
}

let serial = 1;

export async function createTestCa(name = 'Homing Test CA'): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'homing-ca-'));
  await mkdir(join(dir, 'issued'));
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30',
    '-subj', `/CN=${name}/O=Homing tests`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', keyPath, '-out', certPath,
  ]);
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  // `openssl ca` is the one openssl 3.0 command that sets arbitrary start and end dates (expired certificates).
  await writeFile(
    join(dir, 'ca.cnf'),
    [
      '[ ca ]', 'default_ca = test', '[ test ]',
      `database = ${join(dir, 'index.txt')}`, `new_certs_dir = ${join(dir, 'issued')}`, `serial = ${join(dir, 'serial')}`,
      'default_md = sha256', 'policy = anything', 'copy_extensions = copy', 'unique_subject = no', 'email_in_dn = no',
      '[ anything ]', 'commonName = supplied', '',
    ].join('\n'),
  );
  const pem = await readFile(certPath, 'utf8');
  return {
    dir,
    pem,
    certPath,
    async issue(names, options = {}) {
      const base = options.basename ?? `server-${serial++}`;
      const leafKey = join(dir, `${base}.key`);
      const csr = join(dir, `${base}.csr`);
      const leafCert = join(dir, `${base}.crt`);
      const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      await run('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${san}`, '-keyout', leafKey, '-out', csr]);
      const notBefore = options.notBefore ?? new Date(Date.now() - 86_400_000);
      const notAfter = options.notAfter ?? new Date(Date.now() + 30 * 86_400_000);
      await run('openssl', [
        'ca', '-batch', '-notext', '-config', join(dir, 'ca.cnf'), '-cert', certPath, '-keyfile', keyPath,
        '-in', csr, '-out', leafCert, '-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter),
      ]);
      const leafPem = await readFile(leafCert, 'utf8');
      const der = new X509Certificate(leafPem).raw;
      return { certPath: leafCert, keyPath: leafKey, pem: leafPem, fingerprint256: createHash('sha256').update(der).digest('hex') };
    },
  };
}

/** openssl's GeneralizedTime form, YYYYMMDDHHMMSSZ. */
function asn1Time(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

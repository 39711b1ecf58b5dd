import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  /** The test CA: what a client must trust (NODE_EXTRA_CA_CERTS, or `ca` of tls.connect). */
  ca: string;
  /** A server certificate signed by it, for `localhost` and 127.0.0.1, and its key. */
  cert: string;
  key: string;
}

/**
 * A throw-away CA and a server certificate signed by it (openssl, EC P-256, one day), in a new
 * temporary directory: TLS as a managed Redis offers it, with a CA the machine does not trust.
 */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ecKey = (path: string) => openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path);

  ecKey(file('ca.key'));
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    file('ca.key'),
    '-days',
    '1',
    '-subj',
    '/CN=nest-dual-auth test CA',
    '-out',
    file('ca.crt'),
  );
  ecKey(file('server.key'));
  openssl('req', '-new', '-key', file('server.key'), '-subj', '/CN=localhost', '-out', file('server.csr'));
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key')],
    ...['-CAcreateserial', '-days', '1', '-extfile', file('server.ext'), '-out', file('server.crt')],
  );
  return { dir, ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}

/** redis-server arguments that serve TLS only, on `port`, with these certificates (no client certificates). */
export function tlsServerArgs(port: number, certificates: TestCertificates): string[] {
  return [
    ...['--port', '0', '--tls-port', String(port)],
    ...['--tls-cert-file', certificates.cert, '--tls-key-file', certificates.key],
    ...['--tls-ca-cert-file', certificates.ca, '--tls-auth-clients', 'no'],
  ];
}

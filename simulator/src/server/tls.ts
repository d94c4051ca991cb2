/**
 * A CA and a server certificate for the HTTPS endpoint, made with node-forge (testbed/fault-proxy/src/certificates.ts,
 * pure JS, so the container image needs no openssl).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCa, generateServerCert } from '../../../testbed/fault-proxy/src/certificates';

export interface TlsMaterial {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

/** Names the certificate is valid for: loopback, and `simulator` (the docker compose service name). */
export const DEFAULT_SANS = ['127.0.0.1', 'localhost', 'simulator', '::1'];

/**
 * Certificates for this run. With a directory, an existing CA there (ca.crt/ca.key) is reused so clients configured
 * with it keep working across restarts; otherwise a fresh CA is made (and saved there when a directory is given).
 */
export function tlsMaterial(sans: string[], dir?: string): TlsMaterial {
  let ca: { cert: string; key: string };
  if (dir && existsSync(join(dir, 'ca.crt')) && existsSync(join(dir, 'ca.key'))) {
    ca = { cert: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
  } else {
    ca = generateCa('kubeatlas-simulator-ca');
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'ca.crt'), ca.cert);
      writeFileSync(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
    }
  }
  const server = generateServerCert(ca, sans, 'kubeatlas-simulator');
  return { caCert: ca.cert, caKey: ca.key, cert: server.cert, key: server.key };
}

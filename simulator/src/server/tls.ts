/**
 * A CA and a server certificate for the HTTPS endpoint. Node's crypto makes keys but not X.509 certificates, so the
 * certificates are built with node-forge (pure JS, so the container image needs no openssl).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface TlsMaterial {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

/** Names the certificate is valid for: loopback, and `simulator` (the docker compose service name). */
export const DEFAULT_SANS = ['127.0.0.1', 'localhost', 'simulator', '::1'];

function rsaKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function newCertificate(publicPem: string, subject: forge.pki.CertificateField[], days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  // Positive serial: the first hex digit below 8.
  cert.serialNumber = `0${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * 86400 * 1000);
  cert.setSubject(subject);
  return cert;
}

export function generateCa(): { cert: string; key: string } {
  const keys = rsaKeyPair();
  const subject = [{ name: 'commonName', value: 'kubeatlas-simulator-ca' }];
  const cert = newCertificate(keys.publicPem, subject, 3650);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privatePem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.privatePem };
}

export function generateServerCert(ca: { cert: string; key: string }, sans: string[]): { cert: string; key: string } {
  const keys = rsaKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = newCertificate(keys.publicPem, [{ name: 'commonName', value: 'kubeatlas-simulator' }], 825);
  cert.setIssuer(caCert.subject.attributes);
  const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(':');
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: sans.map((name) => (isIp(name) ? { type: 7, ip: name } : { type: 2, value: name })),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.privatePem };
}

/**
 * Certificates for this run. With a directory, an existing CA there (ca.crt/ca.key) is reused so clients configured
 * with it keep working across restarts; otherwise a fresh CA is made (and saved there when a directory is given).
 */
export function tlsMaterial(sans: string[], dir?: string): TlsMaterial {
  let ca: { cert: string; key: string };
  if (dir && existsSync(join(dir, 'ca.crt')) && existsSync(join(dir, 'ca.key'))) {
    ca = { cert: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
  } else {
    ca = generateCa();
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'ca.crt'), ca.cert);
      writeFileSync(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
    }
  }
  const server = generateServerCert(ca, sans);
  return { caCert: ca.cert, caKey: ca.key, cert: server.cert, key: server.key };
}

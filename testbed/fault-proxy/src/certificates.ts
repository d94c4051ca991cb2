/**
 * A CA and serving certificates made with node-forge: Node's crypto makes keys but not X.509 certificates, and a
 * pure-JS signer needs no openssl in a container image. Used by the proxy (a serving certificate from the CA the
 * clients already trust) and by the simulator.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface PemPair {
  cert: string;
  key: string;
}

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
  // A positive serial in minimal DER: a first byte of 0x40-0x7f needs no leading zero and is not one. (A leading
  // "0" hex digit gave a redundant zero byte now and then, which OpenSSL 3 refuses as "illegal padding".)
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * 86400 * 1000);
  cert.setSubject(subject);
  return cert;
}

export function generateCa(commonName: string): PemPair {
  const keys = rsaKeyPair();
  const subject = [{ name: 'commonName', value: commonName }];
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

/** A serving certificate for `sans` (DNS names and IP addresses) signed by `ca`. */
export function generateServerCert(ca: PemPair, sans: string[], commonName: string): PemPair {
  const keys = rsaKeyPair();
  let caCert: forge.pki.Certificate;
  let caKey: forge.pki.rsa.PrivateKey;
  try {
    caCert = forge.pki.certificateFromPem(ca.cert);
    caKey = forge.pki.privateKeyFromPem(ca.key) as forge.pki.rsa.PrivateKey;
  } catch (error) {
    throw new Error(
      `the CA certificate or key is not a PEM RSA certificate/key that node-forge can read (${(error as Error).message}); give the CA's PEM files, e.g. ca.crt and ca.key`
    );
  }
  const cert = newCertificate(keys.publicPem, [{ name: 'commonName', value: commonName }], 825);
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
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.privatePem };
}

/**
 * The testbed's own PKI, made with openssl at each start: a CA that clients verify the apiserver against for real,
 * the apiserver's serving certificate, and the key pair that signs service-account tokens.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Pki {
  caCert: string;
  caCertPath: string;
  caKeyPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  serviceAccountKeyPath: string;
  serviceAccountPubPath: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? (error as Error).message;
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()}. Install the Debian package openssl.`);
  }
}

/** Names and addresses the apiserver is reached by: loopback, and the in-cluster service names. */
export function serverNames(extra: string[] = []): string[] {
  return [
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    '127.0.0.1',
    '10.96.0.1',
    ...extra,
  ];
}

/** Makes a CA (or reuses the one in dir) and a fresh serving certificate for `names` signed by it. */
export function makePki(dir: string, names: string[]): Pki {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  if (!fs.existsSync(file('ca.key')) || !fs.existsSync(file('ca.crt'))) {
    openssl(['genrsa', '-out', 'ca.key', '2048'], dir);
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        'ca.key',
        '-sha256',
        '-days',
        '3650',
        '-subj',
        '/CN=kubeatlas-testbed-ca',
        '-out',
        'ca.crt',
      ],
      dir
    );
  }
  const san = names.map((name) => (/^[\d.]+$|:/.test(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  fs.writeFileSync(
    file('server.ext'),
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`
  );
  openssl(['genrsa', '-out', 'server.key', '2048'], dir);
  openssl(['req', '-new', '-key', 'server.key', '-subj', '/CN=kube-apiserver', '-out', 'server.csr'], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '365',
      '-sha256',
      '-extfile',
      'server.ext',
      '-out',
      'server.crt',
    ],
    dir
  );
  if (!fs.existsSync(file('sa.key'))) {
    openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
    openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  }
  for (const secret of ['ca.key', 'server.key', 'sa.key']) {
    fs.chmodSync(file(secret), 0o600);
  }
  return {
    caCert: fs.readFileSync(file('ca.crt'), 'utf8'),
    caCertPath: file('ca.crt'),
    caKeyPath: file('ca.key'),
    serverCertPath: file('server.crt'),
    serverKeyPath: file('server.key'),
    serviceAccountKeyPath: file('sa.key'),
    serviceAccountPubPath: file('sa.pub'),
  };
}

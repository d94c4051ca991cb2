/**
 * @jest-environment node
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { credentialsFrom } from './kubeconfig';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exporters-kubeconfig-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(config: object, name = 'config'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, yaml.dump(config));
  return file;
}

/** Two contexts, as kubectl writes them; the current one is "testbed". */
function kubeconfig(cluster: object, user: object) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'other', cluster: { server: 'https://elsewhere:6443' } },
      { name: 'testbed', cluster },
    ],
    users: [
      { name: 'nobody', user: { token: 'wrong' } },
      { name: 'admin', user },
    ],
    contexts: [
      { name: 'other', context: { cluster: 'other', user: 'nobody' } },
      { name: 'testbed', context: { cluster: 'testbed', user: 'admin' } },
    ],
    'current-context': 'testbed',
  };
}

describe('credentialsFrom', () => {
  it("reads the current context's server, CA data and token (what the testbed writes)", () => {
    const file = write(
      kubeconfig({ server: 'https://127.0.0.1:36847/', 'certificate-authority-data': b64(PEM) }, { token: 'abc' })
    );
    expect(credentialsFrom(file)).toEqual({
      server: 'https://127.0.0.1:36847',
      ca: PEM,
      token: 'abc',
      cert: undefined,
      key: undefined,
      source: `${file} (context testbed)`,
    });
    expect(credentialsFrom(file, 'other')).toMatchObject({ server: 'https://elsewhere:6443', token: 'wrong' });
  });

  it('reads client certificates, and files next to the kubeconfig as kubectl resolves them', () => {
    fs.mkdirSync(path.join(dir, 'pki'));
    fs.writeFileSync(path.join(dir, 'pki/ca.crt'), PEM);
    fs.writeFileSync(path.join(dir, 'pki/token'), 'from-file\n');
    const file = write(
      kubeconfig(
        { server: 'https://10.0.0.1:6443', 'certificate-authority': 'pki/ca.crt' },
        { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY'), tokenFile: 'pki/token' }
      )
    );
    expect(credentialsFrom(file)).toMatchObject({ ca: PEM, cert: 'CERT', key: 'KEY', token: 'from-file' });
  });

  it.each([
    ['a missing file', () => path.join(dir, 'absent'), /cannot read it \(ENOENT\); pass the file the testbed wrote/],
    [
      'a file that is not YAML',
      () => {
        fs.writeFileSync(path.join(dir, 'broken'), 'clusters: [a');
        return path.join(dir, 'broken');
      },
      /not valid YAML/,
    ],
    [
      'a current-context that is not there',
      () => write({ ...kubeconfig({ server: 'https://h' }, { token: 't' }), 'current-context': 'prod' }),
      /no context "prod" \(contexts: other, testbed\)/,
    ],
    [
      'insecure-skip-tls-verify',
      () => write(kubeconfig({ server: 'https://h', 'insecure-skip-tls-verify': true }, { token: 't' })),
      /verifies TLS, so remove it and put the cluster's CA in certificate-authority-data/,
    ],
    [
      'a CA that is not PEM',
      () => write(kubeconfig({ server: 'https://h', 'certificate-authority-data': b64('junk') }, { token: 't' })),
      /not a PEM certificate/,
    ],
    [
      'an exec credential plugin',
      () => write(kubeconfig({ server: 'https://h' }, { exec: { command: 'aws' } })),
      /authenticates with exec, which the exporter does not run; give it a token/,
    ],
    [
      'no credentials at all',
      () => write(kubeconfig({ server: 'https://h' }, {})),
      /no token and no client certificate; the apiserver would treat the exporter as system:anonymous/,
    ],
    [
      'a certificate without its key',
      () => write(kubeconfig({ server: 'https://h' }, { 'client-certificate-data': b64('CERT') })),
      /a client certificate or key but not both/,
    ],
    [
      'a cluster without a server',
      () => write(kubeconfig({}, { token: 't' })),
      /names cluster "testbed", which has no server URL/,
    ],
  ])('refuses %s with the fix', (_, file, message) => {
    expect(() => credentialsFrom(file())).toThrow(message);
  });
});

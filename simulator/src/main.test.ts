/**
 * @jest-environment node
 */
import https from 'node:https';
import { parseFlags, startSimulator, FLAGS } from './main';

describe('sim CLI', () => {
  it('starts from flags on a free port with TLS and a token of the chosen user', async () => {
    const simulator = await startSimulator(
      parseFlags([
        '--port',
        '0',
        '--tick',
        '0',
        '--metrics-port',
        '-1',
        '--user',
        'system:serviceaccount:kubeatlas:kubeatlas',
      ])
    );
    try {
      const status = await new Promise<number>((resolve, reject) =>
        https
          .get(
            `${simulator.url}/api/v1/nodes`,
            { ca: simulator.caCert, headers: { Authorization: `Bearer ${simulator.token}` } },
            (res) => {
              res.resume();
              resolve(res.statusCode!);
            }
          )
          .on('error', reject)
      );
      expect(status).toBe(200);
    } finally {
      await simulator.close();
    }
  });

  it('refuses unknown flags and missing values', () => {
    expect(() => parseFlags(['--nope'])).toThrow('unknown flag --nope');
    expect(() => parseFlags(['--port'])).toThrow('--port needs a value');
    expect(FLAGS.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'kubeconfig-out',
        'ca-out',
        'token-out',
        'http',
        'host',
        'seed',
        'scale',
        'rbac',
        'tokens',
        'fault',
      ])
    );
  });
});

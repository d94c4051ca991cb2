/**
 * @jest-environment node
 */
import { createCluster } from '../cluster';
import { metricsWorkerNames, startMetricsFromFlags } from './cli';

describe('metrics flags', () => {
  const sim = createCluster({ scenario: 'demo', seed: 3, frozen: true, workerNames: ['edge-1'] });

  it('names the first worker after the node node-exporter stands for, unless --worker-names says otherwise', () => {
    expect(metricsWorkerNames({ 'node-exporter': '127.0.0.1:9100', 'node-exporter-node': 'edge-1' })).toEqual([
      'edge-1',
    ]);
    expect(metricsWorkerNames({ 'node-exporter': '127.0.0.1:9100', 'worker-names': 'a,b' })).toEqual(['a', 'b']);
    expect(metricsWorkerNames({})).toBeUndefined();
  });

  it.each([
    [{ 'metrics-port': 'http' }, /--metrics-port: "http" is not a port number/],
    [{ 'metrics-port': '0', 'node-exporter': 'localhost' }, /--node-exporter: "localhost" is not host:port/],
    [{ 'metrics-port': '0', 'metric-labels-allowlist': 'pods' }, /--metric-labels-allowlist: invalid allow-list/],
    [{ 'metrics-port': '0', 'node-exporter': '127.0.0.1:9100', 'node-exporter-node': 'ghost' }, /no node "ghost"/],
  ])('refuses %j naming the flag', async (flags, message) => {
    await expect(startMetricsFromFlags(sim, flags)).rejects.toThrow(message);
  });

  it('listens on a free port when the API port is ephemeral, and not at all with -1', async () => {
    const server = await startMetricsFromFlags(sim, { port: '0', host: '127.0.0.1' });
    try {
      expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server!.url).not.toMatch(/:16480$/);
      expect((await fetch(`${server!.url}/healthz`)).status).toBe(200);
    } finally {
      await server!.close();
    }
    expect(await startMetricsFromFlags(sim, { 'metrics-port': '-1' })).toBeUndefined();
  });
});

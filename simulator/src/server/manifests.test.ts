/**
 * @jest-environment node
 */
import { join } from 'node:path';
import { createCluster } from '../cluster';
import { Discovery } from './discovery';
import { applyManifests } from './manifests';

const fixtures = join(__dirname, '../../test/fixtures');

describe('scenario files', () => {
  it('creates objects as if POSTed: controllers make pods, planted problems apply, services get endpoints', () => {
    const sim = createCluster({
      scenario: 'empty',
      seed: 1,
      frozen: true,
      startTime: Date.parse('2026-01-10T12:00:00Z'),
    });
    expect(applyManifests(sim, new Discovery(false), join(fixtures, 'scenario'))).toBe(4);
    const pods = sim.store.list('pods', 'team-a');
    const api = pods.filter((p) => p.metadata.labels?.app === 'api');
    expect(api).toHaveLength(3);
    expect(api.filter((p) => p.status.containerStatuses[0].state.waiting?.reason === 'CrashLoopBackOff')).toHaveLength(
      1
    );
    expect(sim.store.get('deployments', 'team-a', 'api')!.status).toMatchObject({ replicas: 3, readyReplicas: 2 });
    const debug = sim.store.get('pods', 'team-a', 'debug')!;
    expect(debug.status.phase).toBe('Running');
    expect(debug.spec.nodeName).toMatch(/^sim-worker-/);
    const endpoints = sim.store.get('endpoints', 'team-a', 'api')!;
    expect(endpoints.subsets[0].addresses).toHaveLength(2);
    expect(endpoints.subsets[0].ports[0].port).toBe(8080);
  });

  it('refuses a file with an unknown kind, naming the file, the document and the problem', () => {
    const sim = createCluster({ scenario: 'empty', seed: 1 });
    expect(() => applyManifests(sim, new Discovery(false), join(fixtures, 'bad-scenario.yaml'))).toThrow(
      /bad-scenario\.yaml: document 2: no kind Widget in example\.com\/v1 is served by the simulator/
    );
  });
});

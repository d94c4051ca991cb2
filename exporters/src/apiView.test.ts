/**
 * @jest-environment node
 *
 * The list + watch view against an apiserver that pages, watches, bookmarks and answers 410 for a resourceVersion
 * older than its history: the simulator for now (the testbed's kube-apiserver does the same; see the README).
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { parseFlags, startSimulator, type RunningSimulator } from '../../simulator/src/main';
import { parseExposition } from '../test/exposition-parser';
import { ApiClusterView, KINDS, type KindName } from './apiView';
import { credentialsFrom } from './kubeconfig';
import { startExporter } from './main';
import type { Pod } from './shapes';

jest.setTimeout(30_000);

let simulator: RunningSimulator;
let dir: string;
const logs: string[] = [];
let view: ApiClusterView | undefined;

/** A kubeconfig file in the testbed's shape: server, CA data, token. */
function writeKubeconfig(file: string, fields: { server: string; ca?: string; token: string }): string {
  const target = path.join(dir, file);
  const cluster = { server: fields.server, ...(fields.ca ? { 'certificate-authority-data': btoa(fields.ca) } : {}) };
  fs.writeFileSync(
    target,
    yaml.dump({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster }],
      users: [{ name: 'u', user: { token: fields.token } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    })
  );
  return target;
}

async function startView(kubeconfig = 'admin.yaml'): Promise<ApiClusterView> {
  view = new ApiClusterView(credentialsFrom(path.join(dir, kubeconfig)), {
    log: (line) => logs.push(line),
    backoffMs: 50,
  });
  await view.start();
  return view;
}

/** Polls until `check` holds; the deadline only bounds a broken run, nothing is asserted about time. */
async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`never happened: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Writes to an object no view watches until the store's history no longer reaches back to `resourceVersion`. */
function outrunHistory(resourceVersion: number): void {
  const lease = simulator.sim.store.list('leases')[0];
  // changesSince scans the history: ask once per thousand writes.
  while (simulator.sim.store.changesSince(resourceVersion) !== undefined) {
    for (let i = 0; i < 1000; i++) {
      simulator.sim.store.update('leases', { ...lease, metadata: { ...lease.metadata } });
    }
  }
}

const kinds = Object.keys(KINDS) as KindName[];

/** Every kind's watch is open on the server once a bookmark came through it (the simulator sends one a second). */
const watching = (v: ApiClusterView) =>
  eventually('every watch is open', () => kinds.every((kind) => v.status()[kind].bookmarks > 0));
const restartsOf = (pod: Pod | undefined) => pod?.status?.containerStatuses?.[0]?.restartCount;
const viewPod = (v: ApiClusterView, name: string) => [...v.pods()].find((p) => p.metadata.name === name);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exporters-view-'));
  simulator = await startSimulator(
    parseFlags(['--port', '0', '--tick', '0', '--metrics-port', '-1', '--bookmark-interval', '1'])
  );
  writeKubeconfig('admin.yaml', { server: simulator.url, ca: simulator.caCert, token: simulator.token });
  // More pods than one LIST page holds, so the first list follows `continue`.
  const template = simulator.sim.store.list('pods')[0];
  for (let i = 0; i < 1100; i++) {
    simulator.sim.store.create('pods', {
      ...structuredClone(template),
      metadata: { ...structuredClone(template.metadata), name: `paged-${i}`, uid: '', resourceVersion: '' },
    });
  }
}, 30_000);

afterEach(() => {
  view?.close();
  view = undefined;
  logs.length = 0;
});

afterAll(async () => {
  await simulator?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ApiClusterView (list + watch)', () => {
  it('lists every kind across pages, then applies ADDED, MODIFIED and DELETED in place', async () => {
    const v = await startView();
    const store = simulator.sim.store;
    const names = (objects: Iterable<{ metadata: { namespace?: string; name: string } }>) =>
      [...objects].map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    for (const kind of kinds) {
      expect([kind, names(storeObjects(v, kind))]).toEqual([kind, names(store.list(kind))]);
    }
    expect(store.count('pods')).toBeGreaterThan(1000);
    expect(v.unsynced()).toBeUndefined();

    const [changed, deleted] = store.list('pods').filter((p) => p.spec.nodeName && p.status.containerStatuses?.length);
    store.modify('pods', changed.metadata.namespace, changed.metadata.name, (copy) => {
      copy.status.containerStatuses[0].restartCount += 5;
    });
    store.delete('pods', deleted.metadata.namespace, deleted.metadata.name);
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'added-later' } } as never);
    await eventually('the view follows the watch events', () =>
      [...v.namespaces()].some((n) => n.metadata.name === 'added-later')
    );
    expect(restartsOf(viewPod(v, changed.metadata.name))).toBe(
      store.get('pods', changed.metadata.namespace, changed.metadata.name)!.status.containerStatuses[0].restartCount
    );
    expect(viewPod(v, deleted.metadata.name)).toBeUndefined();
    expect([...v.podsOnNode(deleted.spec.nodeName)].some((p) => p.metadata.name === deleted.metadata.name)).toBe(false);
    expect([...v.podsOnNode(changed.spec.nodeName)].some((p) => p.metadata.name === changed.metadata.name)).toBe(true);
    expect(v.status().pods.lists).toBe(1);
  });

  it('watches again from the last resourceVersion after a dropped stream, losing no change and not relisting', async () => {
    const v = await startView();
    await watching(v);
    const pod = simulator.sim.store.list('pods').find((p) => p.status.containerStatuses?.length)!;
    simulator.server.closeAllConnections();
    // Written while no watch is open: only a watch resumed from the right resourceVersion replays it.
    simulator.sim.store.modify('pods', pod.metadata.namespace, pod.metadata.name, (copy) => {
      copy.status.containerStatuses[0].restartCount += 1;
    });
    const expected = restartsOf(simulator.sim.store.get('pods', pod.metadata.namespace, pod.metadata.name) as Pod);
    await eventually(
      'the modification after the drop arrives',
      () => restartsOf(viewPod(v, pod.metadata.name)) === expected
    );
    expect(kinds.map((kind) => [kind, v.status()[kind].lists])).toEqual(kinds.map((kind) => [kind, 1]));
    expect(v.status().pods.watches).toBeGreaterThan(1);
    // The simulator sends a watch's headers with its first event, kube-apiserver at once: the drop is seen either way.
    expect(
      logs.some((line) =>
        /watch of pods from resourceVersion \d+: .*(cut off|socket hang up).* watching again in/.test(line)
      )
    ).toBe(true);
  });

  it('lists again when the resourceVersion it would resume from is gone (410)', async () => {
    const v = await startView();
    await watching(v);
    const listedAt = Number(v.status().pods.resourceVersion);
    const victim = simulator.sim.store.list('pods').find((p) => p.metadata.name.startsWith('paged-'))!;
    simulator.server.closeAllConnections();
    outrunHistory(listedAt);
    simulator.sim.store.delete('pods', victim.metadata.namespace, victim.metadata.name);
    await eventually('every kind is listed a second time', () => kinds.every((kind) => v.status()[kind].lists === 2));
    expect(viewPod(v, victim.metadata.name)).toBeUndefined();
    expect(v.status().pods.objects).toBe(simulator.sim.store.count('pods'));
    expect(logs.some((line) => /watch of pods: ERROR event 410 .*; listing again/.test(line))).toBe(true);
  });

  it("resumes from a bookmark's resourceVersion, so changes it never saw do not force a relist", async () => {
    const v = await startView();
    await watching(v);
    outrunHistory(Number(v.status().pods.resourceVersion));
    const revision = simulator.sim.store.resourceVersion;
    await eventually('a bookmark reaches every watch', () =>
      kinds.every((kind) => Number(v.status()[kind].resourceVersion) >= revision)
    );
    simulator.server.closeAllConnections();
    const pod = simulator.sim.store.list('pods').find((p) => p.status.containerStatuses?.length)!;
    simulator.sim.store.modify('pods', pod.metadata.namespace, pod.metadata.name, (copy) => {
      copy.status.containerStatuses[0].restartCount += 1;
    });
    const expected = restartsOf(simulator.sim.store.get('pods', pod.metadata.namespace, pod.metadata.name) as Pod);
    await eventually('the change after the drop arrives', () => restartsOf(viewPod(v, pod.metadata.name)) === expected);
    expect(kinds.map((kind) => [kind, v.status()[kind].lists])).toEqual(kinds.map((kind) => [kind, 1]));
  });
});

describe('ApiClusterView failures', () => {
  /** Sets the simulator's fault rules (its admin endpoint answers loopback callers with the admin token). */
  function setFaults(rules: unknown[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        `${simulator.url}/__sim/faults`,
        { method: 'PUT', ca: simulator.caCert, headers: { Authorization: `Bearer ${simulator.token}` } },
        (response) => {
          response.resume();
          response.statusCode === 200 ? resolve() : reject(new Error(`faults: ${response.statusCode}`));
        }
      );
      request.on('error', reject);
      request.end(JSON.stringify(rules));
    });
  }
  afterEach(() => setFaults([]));

  it('names the RBAC rules 403s lack, one per API group, and stops', async () => {
    const user = 'system:serviceaccount:monitoring:exporter';
    await setFaults([
      { type: 'forbidden', resource: 'cronjobs', user },
      { type: 'forbidden', resource: 'jobs', user },
      { type: 'forbidden', resource: 'ingresses', user },
    ]);
    const failure = startView();
    await expect(failure).rejects.toThrow(
      `exporter: ${user} may not list jobs, cronjobs, ingresses (403: jobs.batch is forbidden: User "${user}" cannot list resource "jobs" in API group "batch" at the cluster scope, and 2 more like it). Grant it with these rules in a ClusterRole bound to that user by a ClusterRoleBinding; deploy/kubernetes/kubeatlas-reader.yaml's ClusterRole has every rule the exporter needs:\n` +
        '  - apiGroups: ["batch"]\n    resources: ["jobs", "cronjobs"]\n    verbs: ["list", "watch"]\n' +
        '  - apiGroups: ["networking.k8s.io"]\n    resources: ["ingresses"]\n    verbs: ["list", "watch"]'
    );
  });

  it('says once what failed every kind alike', async () => {
    writeKubeconfig('bad-token.yaml', { server: simulator.url, ca: simulator.caCert, token: 'not-a-token' });
    const error: Error = await startView('bad-token.yaml').catch((e) => e);
    expect(error.message.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^exporter: listing ${kinds.join(', ')} failed: .* rejected the credentials of .*bad-token\\.yaml .*\\(401`
        )
      ),
    ]);
  });

  it('retries what can pass (503) and syncs', async () => {
    await setFaults([{ type: 'error', status: 503, resource: 'nodes', count: 2 }]);
    const v = await startView();
    expect(v.status().nodes.objects).toBe(simulator.sim.store.count('nodes'));
    expect(logs.filter((line) => /listing nodes: .* answered 503 .*trying again/.test(line))).toHaveLength(2);
  });

  it("says TLS failed when the kubeconfig lacks the cluster's CA", async () => {
    writeKubeconfig('no-ca.yaml', { server: simulator.url, token: simulator.token });
    await expect(startView('no-ca.yaml')).rejects.toThrow(
      /TLS verification of https:\/\/127\.0\.0\.1:\d+ failed \(\w+.*put the cluster's CA there/
    );
  });

  it('says nothing listens at an unreachable server', async () => {
    writeKubeconfig('closed.yaml', { server: 'https://127.0.0.1:1', ca: simulator.caCert, token: simulator.token });
    await expect(startView('closed.yaml')).rejects.toThrow(
      /nothing listens at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/
    );
  });

  it("syncs with the app's own ServiceAccount: deploy/kubernetes' reader role grants every kind it lists", async () => {
    writeKubeconfig('reader.yaml', {
      server: simulator.url,
      ca: simulator.caCert,
      token: 'kubeatlas-sim-sa-kubeatlas-kubeatlas',
    });
    const v = await startView('reader.yaml');
    expect(v.status().pods.objects).toBe(simulator.sim.store.count('pods'));
  });
});

describe('startExporter on the simulator', () => {
  it('serves at every path what the API lists, and follows it', async () => {
    const node = simulator.sim.store.list('nodes')[1].metadata.name;
    const exporter = await startExporter({
      kubeconfig: path.join(dir, 'admin.yaml'),
      port: 0,
      nodeExporter: { target: '127.0.0.1:9100', node },
      log: (line) => logs.push(line),
    });
    try {
      const get = async (pathname: string) => {
        const response = await fetch(`${exporter.url}${pathname}`);
        expect([pathname, response.status]).toEqual([pathname, 200]);
        return response;
      };
      const podInfo = async () =>
        parseExposition(await (await get('/metrics')).text()).samples.filter((s) => s.name === 'kube_pod_info');
      expect((await podInfo()).map((s) => s.labels.uid).sort()).toEqual(
        simulator.sim.store
          .list('pods')
          .map((p) => p.metadata.uid)
          .sort()
      );
      const kubelets = (await (await get('/sd/kubelet')).json()) as Array<{ labels: Record<string, string> }>;
      expect(kubelets.map((k) => k.labels.__meta_kubernetes_node_name).sort()).toEqual(
        simulator.sim.store
          .list('nodes')
          .map((n) => n.metadata.name)
          .sort()
      );
      const cadvisor = parseExposition(await (await get(`/nodes/${node}/metrics/cadvisor`)).text()).samples;
      expect(cadvisor.some((s) => s.name === 'container_cpu_usage_seconds_total' && s.labels.pod)).toBe(true);
      await get(`/nodes/${node}/metrics`);
      expect(await (await get('/sd/node-exporter')).json()).toEqual([
        { targets: ['127.0.0.1:9100'], labels: { __meta_kubernetes_pod_node_name: node } },
      ]);
      expect(logs.some((line) => /exporter: listed in [\d.]+ s \(\d+ pods, \d+ nodes/.test(line))).toBe(true);

      const gone = simulator.sim.store.list('pods')[0];
      simulator.sim.store.delete('pods', gone.metadata.namespace, gone.metadata.name);
      const uids = async () => (await podInfo()).map((s) => s.labels.uid);
      let listed = await uids();
      for (let polls = 0; listed.includes(gone.metadata.uid) && polls < 500; polls++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        listed = await uids();
      }
      expect(listed).not.toContain(gone.metadata.uid);
      expect(listed).toHaveLength(simulator.sim.store.count('pods'));
    } finally {
      await exporter.close();
    }
  });

  it('refuses a --node-exporter-node the cluster lacks once it has the nodes', async () => {
    await expect(
      startExporter({
        kubeconfig: path.join(dir, 'admin.yaml'),
        port: 0,
        nodeExporter: { target: '127.0.0.1:9100', node: 'ghost' },
        log: () => undefined,
      })
    ).rejects.toThrow(/--node-exporter-node: the cluster has no node "ghost"; pick one of: /);
  });
});

function storeObjects(v: ApiClusterView, kind: KindName) {
  const byKind: Record<KindName, () => Iterable<{ metadata: { namespace?: string; name: string } }>> = {
    pods: v.pods,
    nodes: v.nodes,
    namespaces: v.namespaces,
    services: v.services,
    persistentvolumeclaims: v.persistentVolumeClaims,
    deployments: v.deployments,
    replicasets: v.replicaSets,
    statefulsets: v.statefulSets,
    daemonsets: v.daemonSets,
    jobs: v.jobs,
    cronjobs: v.cronJobs,
    ingresses: v.ingresses,
    horizontalpodautoscalers: v.horizontalPodAutoscalers,
  };
  return byKind[kind]();
}

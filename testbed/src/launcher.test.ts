/**
 * @jest-environment node
 */
// The launcher's answers to bad input: each names the problem and the fix, and leaves no process behind. These need
// no Kubernetes binaries: a stand-in bin folder holds scripts named like them. The custom resources' order is checked
// on the real control plane (the binaries of testbed/build.sh).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { startTestbed, type Testbed } from './launcher';
import { loopbackPort } from './processes';
import { applyManifests, CRDS_DIR, loadScenario, type Manifest } from './scenario';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-launcher-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function scenario(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function processesMentioning(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'args'])
    .toString()
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

describe('scenario manifests', () => {
  it('loads the demo: nodes, namespaces and workloads, every document named', () => {
    const manifests = loadScenario('demo');
    expect(manifests.filter((m) => m.kind === 'Node').length).toBe(5);
    expect(manifests.some((m) => m.kind === 'Deployment' && m.metadata.name === 'checkout')).toBe(true);
  });

  it('names the file and the document of broken YAML', () => {
    const dir = scenario('broken-yaml', {
      'a.yaml': 'kind: Namespace\nmetadata: {name: ok}\napiVersion: v1\n---\nkind: [unclosed\n',
    });
    expect(() => loadScenario(dir)).toThrow(/a\.yaml: not valid YAML/);
  });

  it('names the file, the document and the missing field', () => {
    const dir = scenario('no-kind', {
      'b.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: one}\n---\napiVersion: v1\nmetadata: {name: two}\n',
    });
    expect(() => loadScenario(dir)).toThrow(/b\.yaml, document 2: "kind" is missing/);
  });

  it('names an object without a name by its kind', () => {
    const dir = scenario('no-name', { 'c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' });
    expect(() => loadScenario(dir)).toThrow(/c\.yaml, document 1 \(ConfigMap\): metadata\.name is missing/);
  });

  it('lists the known scenarios for an unknown name', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(/unknown scenario "no-such-scenario": pick one of .*demo/);
  });
});

describe('the build', () => {
  it('without Go on PATH, says so and how to get it', () => {
    // A PATH with only what the script runs before it looks for go.
    const noGo = path.join(tmp, 'no-go-bin');
    fs.mkdirSync(noGo);
    for (const tool of ['bash', 'dirname']) {
      fs.symlinkSync(
        execFileSync('bash', ['-c', `command -v ${tool}`])
          .toString()
          .trim(),
        path.join(noGo, tool)
      );
    }
    const run = () =>
      execFileSync(path.join(noGo, 'bash'), [path.join(__dirname, '../build.sh')], {
        env: { PATH: noGo, HOME: tmp },
        stdio: 'pipe',
      });
    expect(run).toThrow(/no Go toolchain on PATH\. Run scripts\/install-system-deps\.sh/);
  });
});

describe('ports and components', () => {
  it('refuses a busy port by number, with how to find what holds it', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      await expect(loopbackPort(port)).rejects.toThrow(new RegExp(`port ${port} on 127.0.0.1 is busy`));
    } finally {
      server.close();
    }
  });

  it('reports a component that exits early with the end of its log, and leaves nothing running', async () => {
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    const marker = `kubeatlas-test-${process.pid}`;
    // etcd that prints a reason and dies; the others would wait forever if anything started them.
    fs.writeFileSync(path.join(bin, 'etcd'), `#!/bin/sh\necho "${marker}: member data is corrupt" >&2\nexit 3\n`, {
      mode: 0o755,
    });
    for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']) {
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nexec sleep 600 # ${marker}\n`, { mode: 0o755 });
    }
    await expect(startTestbed({ binDir: bin })).rejects.toThrow(
      new RegExp(
        `etcd exited early \\(code 3\\)\\. The end of its log, .*etcd\\.log:\\n${marker}: member data is corrupt`
      )
    );
    expect(processesMentioning(marker)).toEqual([]);
  });
});

/** A CRD of the testbed's own group, kind Widget unless told otherwise. */
function widgetCrd(plural = 'widgets', kind = 'Widget'): Manifest {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.testbed.kubeatlas.io` },
    spec: {
      group: 'testbed.kubeatlas.io',
      scope: 'Namespaced',
      names: { kind, plural, listKind: `${kind}List`, singular: plural.replace(/s$/, '') },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
            },
          },
        },
      ],
    },
  };
}

describe('custom resources, on the real control plane', () => {
  let testbed: Testbed;

  beforeAll(async () => {
    // The Widget's file sorts before its CRD's, as a folder applied in file order may have it.
    const dir = scenario('crd-order', {
      'a-widget.yaml': 'apiVersion: testbed.kubeatlas.io/v1\nkind: Widget\nmetadata: {name: first}\nspec: {size: 3}\n',
      'b-crd.yaml': yaml.dump(widgetCrd()),
    });
    testbed = await startTestbed({ scenario: dir });
  }, 180_000);
  afterAll(() => testbed?.stop(), 60_000);

  it('creates the CRDs first and their objects once the kinds are served, whatever the file order', async () => {
    const widget = await testbed.api.get<Manifest>('/apis/testbed.kubeatlas.io/v1/namespaces/default/widgets/first');
    expect(widget.spec).toEqual({ size: 3 });
  });

  it('installs monitoring.grafana.com from testbed/crds on demand: a plain-text 404 before, MetricsInstance after', async () => {
    const group = '/apis/monitoring.grafana.com/v1alpha1';
    const before = await testbed.api.request('GET', group);
    expect([before.status, before.text.trim()]).toEqual([404, '404 page not found']);
    const instance = {
      apiVersion: 'monitoring.grafana.com/v1alpha1',
      kind: 'MetricsInstance',
      metadata: { name: 'primary', namespace: 'default' },
      spec: {
        serviceMonitorSelector: { matchLabels: { instance: 'primary' } },
        serviceMonitorNamespaceSelector: {},
        podMonitorSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
        remoteWrite: [{ url: 'http://prometheus:9090/api/v1/write' }],
      },
    };
    // The instance before its CRD, in one call.
    await applyManifests(testbed.api, [instance, ...loadScenario(path.join(CRDS_DIR, 'monitoring.grafana.com.yaml'))]);
    const stored = await testbed.api.get<Manifest>(`${group}/namespaces/default/metricsinstances/primary`);
    // The selectors as written, and what the schema does not describe kept.
    expect(stored.spec).toEqual(instance.spec);
  });

  it('names a CRD that never becomes Established, with its conditions', async () => {
    // Kind Widget is taken in the group already, so kube-apiserver does not accept the names.
    await expect(applyManifests(testbed.api, [widgetCrd('gadgets', 'Widget')])).rejects.toThrow(
      new RegExp(
        '^CustomResourceDefinition gadgets.testbed.kubeatlas.io was not Established within 15 s; its conditions: ' +
          'NamesAccepted=False ListKindConflict "WidgetList" is already in use; Established=False NotAccepted'
      )
    );
  }, 30_000);
});

describe('fake nodes, on the real control plane', () => {
  let testbed: Testbed;
  beforeAll(async () => {
    testbed = await startTestbed({ scenario: 'demo' });
  }, 180_000);
  afterAll(() => testbed?.stop(), 60_000);

  interface Lease {
    metadata: { name: string };
    spec: { renewTime?: string; leaseDurationSeconds?: number };
  }
  interface Node {
    metadata: { name: string; annotations?: Record<string, string> };
    status?: { conditions?: Array<{ type: string; status: string; lastHeartbeatTime?: string }> };
  }

  // Liveness comes from the Lease, as with a kubelet, so the node status needs posting only every few minutes.
  it('renews every fake node’s Lease, without re-posting the node status', async () => {
    const nodes = (await testbed.api.get<{ items: Node[] }>('/api/v1/nodes')).items;
    const heartbeat = (node: Node) => node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
    const leases = async () =>
      new Map(
        (
          await testbed.api.get<{ items: Lease[] }>('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases')
        ).items.map((lease) => [lease.metadata.name, lease])
      );
    const before = await leases();
    expect([...before.keys()].sort()).toEqual(nodes.map((n) => n.metadata.name).sort());
    expect([...before.values()].map((l) => l.spec.leaseDurationSeconds)).toEqual(nodes.map(() => 40));

    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const after = await leases();
    for (const node of nodes) {
      const renewed = Date.parse(after.get(node.metadata.name)!.spec.renewTime!);
      expect(renewed).toBeGreaterThan(Date.parse(before.get(node.metadata.name)!.spec.renewTime!));
    }
    const healthy = nodes.filter((n) => !n.metadata.annotations?.['testbed.kubeatlas.io/problem']);
    const now = (await testbed.api.get<{ items: Node[] }>('/api/v1/nodes')).items;
    expect(healthy.length).toBeGreaterThan(0);
    for (const node of healthy) {
      expect(heartbeat(now.find((n) => n.metadata.name === node.metadata.name)!)).toBe(heartbeat(node));
    }
  }, 60_000);
});

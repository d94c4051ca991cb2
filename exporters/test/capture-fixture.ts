/**
 * Writes test/fixtures/testbed-demo.jsonl: every kind the exporter reads, as the testbed's kube-apiserver (kwok nodes,
 * demo scenario) lists them, through the exporter's own list + watch view (so without managedFields). The unit tests
 * of the exposition read it, so they hold the code to objects shaped by a real control plane.
 * Run: npx tsx exporters/test/capture-fixture.ts [--kubeconfig FILE]
 *   without --kubeconfig it starts the testbed (demo) itself and stops it afterwards.
 * It waits until the demo's problems have played out at least once (a crash loop with an OOMKilled last state and a
 * few restarts, a Job failed for good), so the fixture holds them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startTestbed } from '../../testbed/src/launcher';
import { KubeClient } from '../src/apiClient';
import { ApiClusterView, KINDS, type KindName } from '../src/apiView';
import { credentialsFrom } from '../src/kubeconfig';
import type { Job, K8sObject, Pod } from '../src/shapes';

const OUT = path.join(__dirname, 'fixtures/testbed-demo.jsonl');
const DEADLINE_MS = 5 * 60_000;

function settled(view: ApiClusterView): boolean {
  const pods = [...view.pods()] as Pod[];
  const oomLooping = pods.some((pod) =>
    pod.status?.containerStatuses?.some(
      (c) => c.restartCount >= 3 && c.lastState?.terminated?.reason === 'OOMKilled' && c.state?.waiting
    )
  );
  const failedJob = ([...view.jobs()] as Job[]).some((job) =>
    job.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True')
  );
  return oomLooping && failedJob;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { kubeconfig: { type: 'string' } } });
  let kubeconfig = values.kubeconfig;
  let stop = async () => undefined as void;
  if (!kubeconfig) {
    const testbed = await startTestbed({ scenario: 'demo', log: (line) => console.error(line) });
    stop = () => testbed.stop();
    kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exporters-capture-')), 'kubeconfig');
    fs.writeFileSync(kubeconfig, testbed.kubeconfig(), { mode: 0o600 });
  }
  const credentials = credentialsFrom(kubeconfig);
  const view = new ApiClusterView(credentials);
  const client = new KubeClient(credentials);
  try {
    await view.start();
    const deadline = Date.now() + DEADLINE_MS;
    while (!settled(view)) {
      if (Date.now() > deadline) {
        throw new Error('the demo never showed an OOMKilled crash loop and a failed Job; is kwok running its Stages?');
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    const lists = {} as Record<KindName, K8sObject[]>;
    const byName = (a: K8sObject, b: K8sObject) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
    for (const [kind, objects] of [
      ['pods', view.pods()],
      ['nodes', view.nodes()],
      ['namespaces', view.namespaces()],
      ['services', view.services()],
      ['persistentvolumeclaims', view.persistentVolumeClaims()],
      ['deployments', view.deployments()],
      ['replicasets', view.replicaSets()],
      ['statefulsets', view.statefulSets()],
      ['daemonsets', view.daemonSets()],
      ['jobs', view.jobs()],
      ['cronjobs', view.cronJobs()],
      ['ingresses', view.ingresses()],
      ['horizontalpodautoscalers', view.horizontalPodAutoscalers()],
    ] as Array<[KindName, Iterable<K8sObject>]>) {
      lists[kind] = [...objects].sort(byName);
    }
    const missing = (Object.keys(KINDS) as KindName[]).filter((kind) => !lists[kind]?.length);
    if (missing.length) {
      throw new Error(`the cluster has no ${missing.join(', ')}; the fixture needs every kind`);
    }
    const { gitVersion } = await client.getJson<{ gitVersion: string }>('/version', 10_000);
    // JSON Lines: a header, then one {kind, object} per line, so a recapture diffs object by object.
    const header = {
      source: `testbed demo scenario: kube-apiserver ${gitVersion}, kwok nodes; written by exporters/test/capture-fixture.ts`,
      capturedAt: new Date().toISOString(),
    };
    const lines = Object.entries(lists).flatMap(([kind, objects]) => objects.map((object) => ({ kind, object })));
    fs.writeFileSync(OUT, [header, ...lines].map((line) => `${JSON.stringify(line)}\n`).join(''));
    const counts = Object.entries(lists).map(([kind, objects]) => `${objects.length} ${kind}`);
    console.log(`wrote ${OUT} (${(fs.statSync(OUT).size / 1024).toFixed(0)} KiB): ${counts.join(', ')}`);
  } finally {
    view.close();
    client.close();
    await stop();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

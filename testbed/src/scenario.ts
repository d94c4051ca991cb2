/**
 * Scenarios are folders of plain manifests (testbed/scenarios/<name>/*.yaml, applied in file-name order) that a user
 * could `kubectl apply -f` to any cluster with kwok. The launcher creates them through the API itself, so it needs no
 * kubectl, and adds the generated objects of a --scale preset on top.
 *
 * One annotation is the launcher's own: a CronJob with `testbed.kubeatlas.io/run-now: "true"` also gets one Job made
 * from its template at once, the way `kubectl create job --from=cronjob/<name>` makes it, so the scenario need not
 * wait for the schedule.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { KubeApi } from './kubeApi';

export type Manifest = Record<string, any>;

export const SCENARIOS_DIR = path.resolve(__dirname, '../scenarios');
/** CRDs a test installs when it needs them, outside every scenario (monitoring.grafana.com: the demo has none). */
export const CRDS_DIR = path.resolve(__dirname, '../crds');
const RUN_NOW = 'testbed.kubeatlas.io/run-now';

export const SCALES = {
  S: { namespaces: 8, nodes: 6, deployments: 30, pods: 100 },
  M: { namespaces: 60, nodes: 40, deployments: 200, pods: 2000 },
  L: { namespaces: 300, nodes: 200, deployments: 1000, pods: 10000 },
  XL: { namespaces: 600, nodes: 500, deployments: 3000, pods: 30000 },
} as const;
export type ScaleName = keyof typeof SCALES;

export function scenarioNames(): string[] {
  return fs.readdirSync(SCENARIOS_DIR).filter((name) => fs.statSync(path.join(SCENARIOS_DIR, name)).isDirectory());
}

/** Reads every document of the scenario's files, naming the file and document of anything malformed. */
export function loadScenario(nameOrDir: string): Manifest[] {
  const dir = fs.existsSync(nameOrDir) ? nameOrDir : path.join(SCENARIOS_DIR, nameOrDir);
  if (!fs.existsSync(dir)) {
    throw new Error(
      `unknown scenario "${nameOrDir}": pick one of ${scenarioNames().join(', ')}, or give a folder of manifests`
    );
  }
  const files = fs.statSync(dir).isDirectory()
    ? fs
        .readdirSync(dir)
        .filter((file) => /\.(ya?ml|json)$/.test(file))
        .sort()
        .map((file) => path.join(dir, file))
    : [dir];
  const manifests: Manifest[] = [];
  for (const file of files) {
    let documents: unknown[];
    try {
      documents = yaml.loadAll(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(
        `${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}. Fix the file and start again.`
      );
    }
    documents.forEach((document, index) => {
      if (document === null || document === undefined) {
        return;
      }
      const where = `${file}, document ${index + 1}`;
      const manifest = document as Manifest;
      if (typeof manifest !== 'object' || Array.isArray(manifest)) {
        throw new Error(
          `${where}: expected a Kubernetes object (a mapping), found ${Array.isArray(manifest) ? 'a list' : typeof manifest}`
        );
      }
      for (const field of ['apiVersion', 'kind'] as const) {
        if (typeof manifest[field] !== 'string' || !manifest[field]) {
          throw new Error(`${where}: "${field}" is missing; every object needs apiVersion, kind and metadata.name`);
        }
      }
      if (typeof manifest.metadata?.name !== 'string' || !manifest.metadata.name) {
        throw new Error(`${where} (${manifest.kind}): metadata.name is missing`);
      }
      manifests.push(manifest);
    });
  }
  return manifests;
}

/** Namespaces, nodes and deployments that bring the cluster up to a preset's size. */
export function scaleManifests(scale: ScaleName, existing: Manifest[]): Manifest[] {
  const target = SCALES[scale];
  const count = (kind: string) => existing.filter((m) => m.kind === kind).length;
  const pad = (n: number) => String(n).padStart(4, '0');
  const manifests: Manifest[] = [];
  const namespaces = Math.max(1, target.namespaces - count('Namespace') - 3);
  for (let i = 1; i <= namespaces; i++) {
    manifests.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `team-${pad(i)}`, labels: { team: `team-${pad(i)}` } },
    });
  }
  for (let i = 1; i <= Math.max(0, target.nodes - count('Node')); i++) {
    manifests.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `kwok-node-${pad(i)}`,
        labels: {
          type: 'kwok',
          'kubernetes.io/hostname': `kwok-node-${pad(i)}`,
          'topology.kubernetes.io/zone': `zone-${'abc'[i % 3]}`,
        },
        annotations: {
          'kwok.x-k8s.io/node': 'fake',
          'testbed.kubeatlas.io/cpu': '32',
          'testbed.kubeatlas.io/memory': '128Gi',
          'testbed.kubeatlas.io/pods': '250',
        },
      },
    });
  }
  const deployments = Math.max(1, target.deployments - count('Deployment'));
  const replicas = Math.max(1, Math.round((target.pods - 75) / deployments));
  for (let i = 1; i <= deployments; i++) {
    const name = `svc-${pad(i)}`;
    manifests.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: `team-${pad(((i - 1) % namespaces) + 1)}`, labels: { app: name } },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [
              {
                name: 'app',
                image: `registry.example.com/team/${name}:1.0.${i % 10}`,
                ports: [{ name: 'http', containerPort: 8080 }],
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              },
            ],
          },
        },
      },
    });
  }
  return manifests;
}

interface ApiResource {
  name: string;
  namespaced: boolean;
  kind: string;
}

/** kind → REST path, learnt from the apiserver's discovery (so CRDs and any group work the same). */
async function resourcePaths(api: KubeApi, groupVersions: string[]): Promise<(m: Manifest) => string> {
  const byGroupVersion = new Map<string, ApiResource[]>();
  for (const groupVersion of new Set(groupVersions)) {
    const base = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
    const response = await api.request<{ resources: ApiResource[] }>('GET', base);
    if (response.status !== 200) {
      throw new Error(
        `the scenario uses apiVersion ${groupVersion}, which this apiserver does not serve (GET ${base}: ${response.status})`
      );
    }
    byGroupVersion.set(groupVersion, response.body.resources);
  }
  return (manifest) => {
    const base = manifest.apiVersion.includes('/') ? `/apis/${manifest.apiVersion}` : `/api/${manifest.apiVersion}`;
    const resource = byGroupVersion
      .get(manifest.apiVersion)!
      .find((r) => r.kind === manifest.kind && !r.name.includes('/'));
    if (!resource) {
      throw new Error(`${manifest.apiVersion} has no kind ${manifest.kind} (object ${manifest.metadata.name})`);
    }
    const namespace = manifest.metadata.namespace ?? 'default';
    return resource.namespaced ? `${base}/namespaces/${namespace}/${resource.name}` : `${base}/${resource.name}`;
  };
}

async function create(api: KubeApi, collection: string, manifest: Manifest): Promise<Manifest> {
  for (let attempt = 0; ; attempt++) {
    const response = await api.request<Manifest>('POST', collection, manifest);
    if (response.status === 201 || response.status === 200) {
      return response.body;
    }
    if (response.status === 409) {
      return manifest; // already there: applying a scenario twice is harmless
    }
    // A namespace's default ServiceAccount appears a moment after the namespace (the controller-manager makes it).
    const retriable =
      response.status === 429 || response.status >= 500 || /serviceaccount.*not found/i.test(response.text);
    if (!retriable || attempt >= 30) {
      const message = (response.body as { message?: string })?.message ?? response.text.slice(0, 300);
      throw new Error(
        `creating ${manifest.kind} ${manifest.metadata.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata.name}: HTTP ${response.status}: ${message}`
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A Job made from a CronJob's template, owned by it, as `kubectl create job --from=cronjob/...` makes it. */
function jobFrom(cronJob: Manifest): Manifest {
  const template = cronJob.spec.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${cronJob.metadata.name}-manual`,
      namespace: cronJob.metadata.namespace,
      labels: template.metadata?.labels,
      annotations: { ...template.metadata?.annotations, 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cronJob.metadata.name,
          uid: cronJob.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: template.spec,
  };
}

const CRD_KIND = 'CustomResourceDefinition';
/** How long a new CRD may take to be Established and served: kube-apiserver needs well under a second. */
const CRD_TIMEOUT_MS = 15000;

interface CrdCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** Polls `check` every 100 ms until it returns true or the CRD timeout passes; says whether it did. */
async function within(check: () => Promise<boolean>): Promise<boolean> {
  for (const deadline = Date.now() + CRD_TIMEOUT_MS; Date.now() < deadline;) {
    if (await check()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/**
 * Creates the CRDs, then waits for each until kube-apiserver has Established it and its discovery document lists the
 * kind: only then can objects of that kind be created. A CRD that is not accepted (a name taken in its group, a
 * schema refused) is named with its conditions.
 */
async function applyCustomResourceDefinitions(api: KubeApi, crds: Manifest[]): Promise<void> {
  if (crds.length === 0) {
    return;
  }
  const pathOf = await resourcePaths(api, ['apiextensions.k8s.io/v1']);
  await Promise.all(crds.map((crd) => create(api, pathOf(crd), crd)));
  for (const crd of crds) {
    let conditions: CrdCondition[] = [];
    const established = await within(async () => {
      const response = await api.request<{ status?: { conditions?: CrdCondition[] } }>(
        'GET',
        `${pathOf(crd)}/${crd.metadata.name}`
      );
      conditions = response.body?.status?.conditions ?? [];
      return conditions.some((c) => c.type === 'Established' && c.status === 'True');
    });
    if (!established) {
      const described = conditions.map((c) => [`${c.type}=${c.status}`, c.reason, c.message].filter(Boolean).join(' '));
      throw new Error(
        `CustomResourceDefinition ${crd.metadata.name} was not Established within ${CRD_TIMEOUT_MS / 1000} s; ` +
          `its conditions: ${described.join('; ') || 'none yet'}. Fix its spec (names, schema).`
      );
    }
    const { group, names, versions } = crd.spec as {
      group: string;
      names: { plural: string };
      versions: Array<{ name: string; served?: boolean }>;
    };
    for (const version of versions.filter((v) => v.served !== false)) {
      const discovery = `/apis/${group}/${version.name}`;
      const served = await within(async () => {
        const response = await api.request<{ resources?: ApiResource[] }>('GET', discovery);
        return response.status === 200 && (response.body.resources ?? []).some((r) => r.name === names.plural);
      });
      if (!served) {
        throw new Error(
          `CustomResourceDefinition ${crd.metadata.name} is Established, but GET ${discovery} did not list ` +
            `${names.plural} within ${CRD_TIMEOUT_MS / 1000} s: see the kube-apiserver log in the testbed's logs folder.`
        );
      }
    }
  }
}

/**
 * Creates the objects: CRDs first (until served), then namespaces, nodes, storage and the rest, each rank in parallel
 * batches of 16. Objects of a CRD's kind may come before the CRD in the list, as in a folder applied in file order.
 */
export async function applyManifests(api: KubeApi, manifests: Manifest[]): Promise<void> {
  await applyCustomResourceDefinitions(
    api,
    manifests.filter((m) => m.kind === CRD_KIND)
  );
  manifests = manifests.filter((m) => m.kind !== CRD_KIND);
  // batch/v1 too: the Jobs of run-now CronJobs are made here.
  const pathOf = await resourcePaths(api, [...manifests.map((m) => m.apiVersion as string), 'batch/v1']);
  const clusterFirst = (m: Manifest) =>
    m.kind === 'Namespace'
      ? 0
      : m.kind === 'Node'
        ? 1
        : m.kind === 'StorageClass' || m.kind === 'PersistentVolume'
          ? 2
          : 3;
  const ordered = [...manifests].sort((a, b) => clusterFirst(a) - clusterFirst(b));
  const batch = 16;
  for (let i = 0; i < ordered.length;) {
    const rank = clusterFirst(ordered[i]);
    const group: Manifest[] = [];
    while (i < ordered.length && clusterFirst(ordered[i]) === rank && group.length < batch) {
      group.push(ordered[i++]);
    }
    const created = await Promise.all(group.map((manifest) => create(api, pathOf(manifest), manifest)));
    for (const object of created) {
      if (object.kind === 'CronJob' && object.metadata?.annotations?.[RUN_NOW] === 'true' && object.metadata.uid) {
        const job = jobFrom(object);
        await create(api, pathOf(job), job);
      }
    }
  }
}

/**
 * Checks deploy/grafana-ha on a real control plane (testbed/): builds the default kustomization and the external-db
 * overlay with `kubectl kustomize`, creates the namespace and Secrets by running the bash blocks of
 * deploy/grafana-ha/README.md verbatim, asserts what the manifests must hold for Grafana to run scaled out (replicas,
 * disruption budget, anti-affinity, the plugin's init container, probes, requests, alerting peers, the database, every
 * ConfigMap, Secret and key they reference, every variable the provisioning reads), and has kube-apiserver validate
 * every object with `kubectl apply --dry-run=server --validate=strict`.
 *
 *   npx tsx scripts/grafana-ha-check.ts
 *
 * Prints each check with its duration; exits 1 naming the object, the field and the cause.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { applyRbacAndReadToken } from '../testbed/src/kubeatlasAccount';
import { startTestbed, type Testbed } from '../testbed/src/launcher';

const REPO = path.resolve(__dirname, '..');
const README = 'deploy/grafana-ha/README.md';
const NAMESPACE = 'grafana';
const PLUGIN_IDS = ['kubeatlas-kubernetes-app', 'kubeatlas-kubernetes-datasource'];
const DATASOURCE_TYPE = 'kubeatlas-kubernetes-datasource';
/** The repository's provisioning, the format the ConfigMaps follow. */
const REPO_DATASOURCES = path.join(REPO, 'provisioning/datasources/kubeatlas.yaml');

interface Variant {
  name: string;
  dir: string;
  /** Markers of the README blocks that create what this variant needs. */
  blocks: string[];
  database: 'in-cluster' | 'external';
}

const VARIANTS: Variant[] = [
  { name: 'default', dir: 'deploy/grafana-ha', blocks: ['secrets-common', 'secrets-postgres'], database: 'in-cluster' },
  {
    name: 'external-db',
    dir: 'deploy/grafana-ha/external-db',
    blocks: ['secrets-common', 'secrets-external-db'],
    database: 'external',
  },
];

// The few fields of the Kubernetes objects the checks read.
type Ref = { name: string; optional?: boolean };
type KeyRef = Ref & { key: string };
type Labels = Record<string, string>;
interface Container {
  name: string;
  image?: string;
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef; fieldRef?: { fieldPath: string } };
  }>;
  envFrom?: Array<{ configMapRef?: Ref; secretRef?: Ref }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  resources?: { requests?: Record<string, string> };
  readinessProbe?: { httpGet?: { path?: string } };
  livenessProbe?: { httpGet?: { path?: string } };
}
type Selector = { matchLabels?: Labels; matchExpressions?: unknown[] };
type AffinityTerm = { topologyKey?: string; labelSelector?: Selector };
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; configMap?: Ref; secret?: { secretName: string; optional?: boolean } }>;
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[];
      preferredDuringSchedulingIgnoredDuringExecution?: Array<{ podAffinityTerm: AffinityTerm }>;
    };
  };
}
interface Workload {
  replicas?: number;
  serviceName?: string;
  template: { metadata: { labels?: Labels }; spec: PodSpec };
}
interface ServiceSpec {
  clusterIP?: string;
  selector?: Labels;
  sessionAffinity?: string;
  ports?: Array<{ port: number; protocol?: string }>;
}
interface KObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: unknown;
  data?: Record<string, string>;
}
/** A container's variables: the value the pod would see (`<fieldPath>` for a fieldRef), and where it comes from. */
type Env = Map<string, { value?: string; ref?: { kind: string } & KeyRef }>;

/** What the README's commands created in the namespace: Secret name → key → value. */
type Created = Map<string, Map<string, string>>;

function run(command: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(command, args, {
    cwd: REPO,
    input: options.input,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw new Error(`${command} ${args.join(' ')} did not run: ${result.error.message}`);
  }
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr.trim() };
}

function kustomize(dir: string): KObject[] {
  const built = run('kubectl', ['kustomize', dir]);
  if (built.status !== 0) {
    throw new Error(`kubectl kustomize ${dir} failed:\n${built.stderr}`);
  }
  return (yaml.loadAll(built.stdout) as KObject[]).filter(Boolean);
}

/** The ```bash block right after `<!-- grafana-ha-check: marker -->`, with the README line it starts on. */
function readmeBlock(readme: string, marker: string): { line: number; text: string } {
  const lines = readme.split('\n');
  const at = lines.findIndex((l) => l.trim() === `<!-- grafana-ha-check: ${marker} -->`);
  if (at < 0 || lines[at + 1]?.trim() !== '```bash') {
    throw new Error(`${README} has no \`\`\`bash block right after <!-- grafana-ha-check: ${marker} -->.`);
  }
  const close = lines.findIndex((l, i) => i > at + 1 && l.trim() === '```');
  return { line: at + 3, text: lines.slice(at + 2, close).join('\n') };
}

function secretsIn(kubeconfig: string): Created {
  const listed = run('kubectl', [`--kubeconfig=${kubeconfig}`, '-n', NAMESPACE, 'get', 'secrets', '-o', 'json']);
  const created: Created = new Map();
  if (listed.status !== 0) {
    return created;
  }
  const items = (
    JSON.parse(listed.stdout) as { items: Array<{ metadata: { name: string }; data?: Record<string, string> }> }
  ).items;
  for (const item of items) {
    const keys = Object.entries(item.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()] as const);
    created.set(item.metadata.name, new Map(keys));
  }
  return created;
}

/** Runs one README block as a user pastes it; returns the Secrets it created. */
function runReadmeBlock(readme: string, marker: string, kubeconfig: string): Created {
  const block = readmeBlock(readme, marker);
  const before = secretsIn(kubeconfig);
  const result = run('bash', ['-euo', 'pipefail', '-c', block.text], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
  });
  if (result.status !== 0) {
    throw new Error(
      `${README}:${block.line} (block ${marker}) failed with exit code ${result.status}:\n${result.stderr}`
    );
  }
  const created: Created = new Map();
  for (const [name, keys] of secretsIn(kubeconfig)) {
    if (!before.has(name)) {
      created.set(name, keys);
    }
  }
  if (!created.size) {
    throw new Error(`${README}:${block.line} (block ${marker}) ran but created no Secret in namespace ${NAMESPACE}.`);
  }
  return created;
}

/** matchLabels only: these manifests use nothing else, and a selector this does not read selects nothing here. */
function selects(selector: Selector | undefined, labels: Labels = {}): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return !selector?.matchExpressions && wanted.length > 0 && wanted.every(([k, v]) => labels[k] === v);
}

/** The checks of one build; each failure names the object and the field. */
class BuildCheck {
  /** A set: a reference seen from two checks is one failure. */
  readonly failures = new Set<string>();

  constructor(
    readonly variant: Variant,
    readonly objects: KObject[],
    readonly created: Created
  ) {}

  fail(message: string): void {
    this.failures.add(`${this.variant.name}: ${message}`);
  }

  find<S>(kind: string, name?: string): Array<KObject & { spec: S }> {
    return this.objects.filter((o) => o.kind === kind && (!name || o.metadata.name === name)) as Array<
      KObject & { spec: S }
    >;
  }

  configMap(name: string): Record<string, string> | undefined {
    return this.find('ConfigMap', name)[0]?.data ?? undefined;
  }

  /** A ConfigMap's or Secret's key as the pod would see it; a failure (and undefined) when it does not exist. */
  resolve(where: string, kind: 'ConfigMap' | 'Secret', ref: Ref | KeyRef): Map<string, string> | undefined {
    const data = this.configMap(ref.name);
    const source = kind === 'Secret' ? this.created.get(ref.name) : data && new Map(Object.entries(data));
    if (!source) {
      if (!ref.optional) {
        const origin = kind === 'ConfigMap' ? 'in the build' : `among the Secrets ${README} creates`;
        this.fail(`${where} references ${kind} ${ref.name}, which is not ${origin}`);
      }
      return undefined;
    }
    if ('key' in ref && !ref.optional && !source.get(ref.key)) {
      this.fail(
        `${where} references key ${ref.key} of ${kind} ${ref.name}, which ${source.has(ref.key) ? 'is empty' : 'it lacks'} (keys: ${[...source.keys()].join(', ')})`
      );
    }
    return source;
  }

  /** A container's environment as Kubernetes builds it: envFrom first, then env (which wins). */
  environment(owner: string, container: Container): Env {
    const where = `${owner} container ${container.name}`;
    const env: Env = new Map();
    for (const from of container.envFrom ?? []) {
      const [kind, ref] = from.configMapRef
        ? (['ConfigMap', from.configMapRef] as const)
        : (['Secret', from.secretRef!] as const);
      for (const [name, value] of this.resolve(`${where} envFrom`, kind, ref) ?? []) {
        env.set(name, { value });
      }
    }
    for (const variable of container.env ?? []) {
      const from = variable.valueFrom;
      const keyRef = from?.configMapKeyRef ?? from?.secretKeyRef;
      if (keyRef) {
        const kind = from?.configMapKeyRef ? 'ConfigMap' : 'Secret';
        const source = this.resolve(`${where} env ${variable.name}`, kind, keyRef);
        env.set(variable.name, { value: source?.get(keyRef.key), ref: { kind, ...keyRef } });
      } else {
        // $(VAR) of an earlier variable, as the kubelet expands it
        const value = variable.value?.replace(/\$\((\w+)\)/g, (whole, name: string) => env.get(name)?.value ?? whole);
        env.set(variable.name, { value: from?.fieldRef ? `<${from.fieldRef.fieldPath}>` : value });
      }
    }
    return env;
  }
}

function checkGrafana(check: BuildCheck): void {
  const deployment = check.find<Workload>('Deployment', 'grafana')[0];
  if (!deployment) {
    return check.fail('no Deployment grafana in the build');
  }
  const where = 'Deployment grafana';
  const spec = deployment.spec;
  const podLabels = spec.template.metadata.labels ?? {};
  const pod = spec.template.spec;
  if ((spec.replicas ?? 1) < 2) {
    check.fail(`${where} spec.replicas is ${spec.replicas ?? '1 (unset)'}: scaled out means 2 or more`);
  }

  const budgets = check.find<{ selector?: Selector; minAvailable?: number | string }>('PodDisruptionBudget');
  const budget = budgets.find((b) => selects(b.spec.selector, podLabels));
  if (!budget) {
    check.fail(`no PodDisruptionBudget selects the pods of ${where} (labels ${JSON.stringify(podLabels)})`);
  } else if (typeof budget.spec.minAvailable === 'number' && budget.spec.minAvailable >= (spec.replicas ?? 1)) {
    check.fail(
      `PodDisruptionBudget ${budget.metadata.name} minAvailable ${budget.spec.minAvailable} leaves no replica evictable: a drain would hang`
    );
  }
  for (const other of check.find<Workload>('StatefulSet')) {
    if (budget && selects(budget.spec.selector, other.spec.template.metadata.labels)) {
      check.fail(
        `PodDisruptionBudget ${budget.metadata.name} also selects the pods of StatefulSet ${other.metadata.name}`
      );
    }
  }

  const anti = pod.affinity?.podAntiAffinity;
  const terms = [
    ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p) => p.podAffinityTerm),
  ];
  if (!terms.some((t) => t.topologyKey && selects(t.labelSelector, podLabels))) {
    check.fail(`${where} has no pod anti-affinity term with a topologyKey whose labelSelector selects its own pods`);
  }

  const main = pod.containers.find((c) => c.name === 'grafana');
  if (!main) {
    return check.fail(`${where} has no container named grafana`);
  }
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    if (container === main || container.image?.startsWith('grafana/')) {
      if (!/^grafana\/grafana:12\.\d+\.\d+$/.test(container.image ?? '')) {
        check.fail(
          `${where} container ${container.name} image ${container.image} is not a pinned grafana/grafana:12.x.y`
        );
      }
    }
  }
  for (const probe of ['readinessProbe', 'livenessProbe'] as const) {
    if (main[probe]?.httpGet?.path !== '/api/health') {
      check.fail(`${where} container grafana ${probe} is not an httpGet of /api/health`);
    }
  }

  const env = check.environment(where, main);
  const value = (name: string) => env.get(name)?.value;
  const unsigned = (value('GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS') ?? '').split(',').map((s) => s.trim());
  const missingIds = PLUGIN_IDS.filter((id) => !unsigned.includes(id));
  if (missingIds.length) {
    check.fail(`${where} GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS lacks ${missingIds.join(', ')}`);
  }
  if (env.get('GF_SECURITY_SECRET_KEY')?.ref?.kind !== 'Secret') {
    check.fail(`${where} GF_SECURITY_SECRET_KEY must come from a Secret: every replica needs the same one`);
  }
  checkPluginInstall(check, where, pod, main);
  checkAlerting(check, where, env, podLabels);
  checkDatabase(check, where, env);
  checkProvisioning(check, where, pod, main, env);
  checkReferences(check, where, pod);

  const service = check
    .find<ServiceSpec>('Service')
    .find((s) => s.spec.clusterIP !== 'None' && selects({ matchLabels: s.spec.selector }, podLabels));
  if (!service) {
    check.fail(`no Service with a cluster IP selects the pods of ${where}`);
  } else if (service.spec.sessionAffinity === 'ClientIP') {
    check.fail(`Service ${service.metadata.name} pins clients to a replica (sessionAffinity ClientIP); none is needed`);
  }
}

function checkPluginInstall(check: BuildCheck, where: string, pod: PodSpec, main: Container): void {
  const pluginsMount = main.volumeMounts?.find((m) => m.mountPath === '/var/lib/grafana/plugins');
  const installer = pod.initContainers?.find((c) => c.volumeMounts?.some((m) => m.name === pluginsMount?.name));
  if (!pluginsMount || !installer) {
    return check.fail(`${where}: no init container writes the volume mounted at /var/lib/grafana/plugins`);
  }
  const urlVariable = installer.env?.find((e) => e.valueFrom?.configMapKeyRef);
  const ref = urlVariable?.valueFrom?.configMapKeyRef;
  if (!ref) {
    return check.fail(`${where} init container ${installer.name} takes the plugin's URL from no ConfigMap`);
  }
  const url = check.resolve(`${where} init container ${installer.name}`, 'ConfigMap', ref)?.get(ref.key) ?? '';
  if (!url.startsWith('https://') || !url.endsWith('.zip')) {
    check.fail(`ConfigMap ${ref.name} key ${ref.key} is ${JSON.stringify(url)}, not an https:// URL of a .zip`);
  }
}

function checkAlerting(check: BuildCheck, where: string, env: Env, podLabels: Record<string, string>): void {
  const peers = env.get('GF_UNIFIED_ALERTING_HA_PEERS')?.value;
  if (!peers) {
    return check.fail(
      `${where} sets no GF_UNIFIED_ALERTING_HA_PEERS: each replica's Alertmanager would send every notification`
    );
  }
  for (const peer of peers.split(',')) {
    const [host, port] = peer.trim().split(':');
    const service = check.find<ServiceSpec>('Service', host.split('.')[0])[0];
    if (!service || service.spec.clusterIP !== 'None' || !selects({ matchLabels: service.spec.selector }, podLabels)) {
      check.fail(
        `GF_UNIFIED_ALERTING_HA_PEERS names ${host}, which is not a headless Service selecting the pods of ${where}`
      );
      continue;
    }
    for (const protocol of ['TCP', 'UDP']) {
      if (!service.spec.ports?.some((p) => String(p.port) === port && (p.protocol ?? 'TCP') === protocol)) {
        check.fail(`Service ${host} has no ${protocol} port ${port}: the alerting gossip uses both`);
      }
    }
  }
  if (!env.get('GF_UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS')?.value?.includes('<status.podIP>')) {
    check.fail(`${where} GF_UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS is not the pod's own IP`);
  }
}

function checkDatabase(check: BuildCheck, where: string, env: Env): void {
  if (env.get('GF_DATABASE_TYPE')?.value !== 'postgres') {
    check.fail(
      `${where} GF_DATABASE_TYPE is ${env.get('GF_DATABASE_TYPE')?.value ?? "unset (SQLite on each pod's disk)"}, not postgres`
    );
  }
  const [host, user, password] = ['HOST', 'USER', 'PASSWORD'].map((n) => env.get(`GF_DATABASE_${n}`));
  if (password?.ref?.kind !== 'Secret') {
    check.fail(`${where} GF_DATABASE_PASSWORD does not come from a Secret`);
  }
  const statefulSets = check.find<Workload>('StatefulSet');
  if (check.variant.database === 'external') {
    if (statefulSets.length) {
      check.fail(`StatefulSet ${statefulSets[0].metadata.name} is still in the build`);
    }
    const secrets = new Set([host, user, password].map((v) => v?.ref?.kind === 'Secret' && v.ref.name));
    if (secrets.size !== 1 || secrets.has(false)) {
      check.fail(`${where} GF_DATABASE_HOST, _USER and _PASSWORD do not all come from one Secret`);
    }
    return;
  }
  const postgres = statefulSets[0];
  if (!postgres) {
    return check.fail('no StatefulSet for the in-cluster PostgreSQL');
  }
  const service = check.find<ServiceSpec>('Service', postgres.spec.serviceName)[0];
  if (
    !service ||
    service.spec.clusterIP !== 'None' ||
    !selects({ matchLabels: service.spec.selector }, postgres.spec.template.metadata.labels)
  ) {
    check.fail(
      `StatefulSet ${postgres.metadata.name} serviceName ${postgres.spec.serviceName} is not a headless Service selecting its pods`
    );
  }
  const expectedHost = `${postgres.metadata.name}-0.${postgres.spec.serviceName}:${service?.spec.ports?.[0]?.port}`;
  if (host?.value !== expectedHost) {
    check.fail(`${where} GF_DATABASE_HOST is ${host?.value}, the StatefulSet's pod is ${expectedHost}`);
  }
  const pgEnv = check.environment(`StatefulSet ${postgres.metadata.name}`, postgres.spec.template.spec.containers[0]);
  if (
    user?.value !== pgEnv.get('POSTGRES_USER')?.value ||
    env.get('GF_DATABASE_NAME')?.value !== pgEnv.get('POSTGRES_DB')?.value
  ) {
    check.fail(`${where} GF_DATABASE_USER/GF_DATABASE_NAME differ from the StatefulSet's POSTGRES_USER/POSTGRES_DB`);
  }
  const pgPassword = pgEnv.get('POSTGRES_PASSWORD')?.ref;
  if (pgPassword?.name !== password?.ref?.name || pgPassword?.key !== password?.ref?.key) {
    check.fail(`${where} GF_DATABASE_PASSWORD and the StatefulSet's POSTGRES_PASSWORD come from different Secret keys`);
  }
}

/**
 * Variables Grafana's provisioning expands in every string value, nested ones too (pkg/services/provisioning/values):
 * $VAR, ${VAR}, $__env{VAR}; $$ is a literal dollar. Comments are not values.
 */
function provisioningVariables(parsed: unknown): string[] {
  if (typeof parsed === 'string') {
    return [...parsed.matchAll(/\$\$|\$__(\w+)\{([^}]*)\}|\$\{(\w+)\}|\$(\w+)/g)]
      .map((m) => (m[1] === 'env' ? m[2] : (m[3] ?? m[4])))
      .filter(Boolean);
  }
  if (parsed && typeof parsed === 'object') {
    return Object.values(parsed).flatMap(provisioningVariables);
  }
  return [];
}

interface ProvisionedDatasource {
  name: string;
  type: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, unknown>;
}

function checkProvisioning(check: BuildCheck, where: string, pod: PodSpec, main: Container, env: Env): void {
  const mounted = (folder: string) => {
    const mount = main.volumeMounts?.find((m) => m.mountPath === `/etc/grafana/provisioning/${folder}`);
    const name = pod.volumes?.find((v) => v.name === mount?.name)?.configMap?.name;
    const data = name ? check.configMap(name) : undefined;
    if (!data) {
      check.fail(`${where} mounts no ConfigMap of the build at /etc/grafana/provisioning/${folder}`);
    }
    return { name, files: Object.entries(data ?? {}) };
  };
  const reference = (
    yaml.load(fs.readFileSync(REPO_DATASOURCES, 'utf8')) as { datasources: ProvisionedDatasource[] }
  ).datasources.find((d) => d.type === DATASOURCE_TYPE)!;
  const keys = (o?: Record<string, unknown>) =>
    Object.keys(o ?? {})
      .sort()
      .join(', ');
  const datasources = mounted('datasources');
  const kubeatlas: ProvisionedDatasource[] = [];
  for (const [file, text] of [...datasources.files, ...mounted('plugins').files]) {
    const parsed = yaml.load(text) as {
      datasources?: ProvisionedDatasource[];
      apps?: Array<{ type: string; disabled?: boolean }>;
    };
    for (const name of provisioningVariables(parsed)) {
      if (env.get(name)?.value === undefined) {
        check.fail(`${file} reads \${${name}}, which container grafana of ${where} does not set`);
      }
    }
    kubeatlas.push(...(parsed.datasources ?? []).filter((d) => d.type === DATASOURCE_TYPE));
    if (parsed.apps && !parsed.apps.some((a) => a.type === PLUGIN_IDS[0] && !a.disabled)) {
      check.fail(`${file} does not enable ${PLUGIN_IDS[0]}`);
    }
  }
  if (!kubeatlas.length) {
    check.fail(`ConfigMap ${datasources.name} provisions no ${DATASOURCE_TYPE} datasource`);
  }
  for (const datasource of kubeatlas) {
    for (const part of ['jsonData', 'secureJsonData'] as const) {
      if (keys(datasource[part]) !== keys(reference[part])) {
        check.fail(
          `datasource ${datasource.name} ${part} has ${keys(datasource[part])}; provisioning/ has ${keys(reference[part])}`
        );
      }
    }
  }
}

/** Every container requests CPU and memory; every ConfigMap and Secret a volume names exists. */
function checkReferences(check: BuildCheck, where: string, pod: PodSpec): void {
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap) {
      check.resolve(`${where} volume ${volume.name}`, 'ConfigMap', volume.configMap);
    }
    if (volume.secret) {
      check.resolve(`${where} volume ${volume.name}`, 'Secret', {
        name: volume.secret.secretName,
        optional: volume.secret.optional,
      });
    }
  }
  for (const workload of [...check.find<Workload>('Deployment'), ...check.find<Workload>('StatefulSet')]) {
    const spec = workload.spec.template.spec;
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      const owner = `${workload.kind} ${workload.metadata.name}`;
      if (!container.resources?.requests?.cpu || !container.resources?.requests?.memory) {
        check.fail(`${owner} container ${container.name} requests no CPU or no memory`);
      }
      check.environment(owner, container); // reports what its variables reference and is missing
    }
  }
}

/** Server-side dry run of a build; on refusal, each object alone, so the failure names it with the apiserver's words. */
function dryRun(objects: KObject[], kubeconfig: string, label: string): void {
  const apply = (docs: KObject[]) =>
    run('kubectl', [`--kubeconfig=${kubeconfig}`, 'apply', '--dry-run=server', '--validate=strict', '-f', '-'], {
      input: docs.map((d) => yaml.dump(d)).join('---\n'),
    });
  const all = apply(objects);
  if (all.status === 0) {
    const lines = all.stdout.trim().split('\n');
    if (lines.length !== objects.length) {
      throw new Error(`${label}: kubectl answered for ${lines.length} of ${objects.length} objects:\n${all.stdout}`);
    }
    return;
  }
  const refused = objects
    .map((o) => ({ o, answer: apply([o]) }))
    .filter(({ answer }) => answer.status !== 0)
    .map(({ o, answer }) => `  ${o.kind} ${o.metadata.namespace}/${o.metadata.name}: ${answer.stderr}`);
  throw new Error(`${label}: kube-apiserver refused ${refused.length} object(s):\n${refused.join('\n') || all.stderr}`);
}

let passed = 0;
async function check<T>(name: string, body: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  try {
    const value = await body();
    passed++;
    console.log(`ok    ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return value;
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const readme = fs.readFileSync(path.join(REPO, README), 'utf8');
  const builds = await check(`kubectl kustomize ${VARIANTS.map((v) => v.dir).join(' and ')}`, () =>
    VARIANTS.map((variant) => ({ variant, objects: kustomize(variant.dir) }))
  );
  let testbed: Testbed | undefined;
  try {
    testbed = await check('start the testbed (namespaces only)', () =>
      startTestbed({ scenario: path.join(REPO, 'testbed/scenarios/demo/00-namespaces.yaml') })
    );
    const bed = testbed;
    await check('apply deploy/kubernetes/kubeatlas-reader.yaml; the token controller fills kubeatlas-token', () =>
      applyRbacAndReadToken(bed)
    );
    const markers = [...new Set(VARIANTS.flatMap((v) => v.blocks))];
    const createdBy = new Map<string, Created>();
    for (const marker of markers) {
      const created = await check(`${README} block ${marker}, verbatim`, () =>
        runReadmeBlock(readme, marker, bed.adminKubeconfigPath)
      );
      console.log(`      created ${[...created.keys()].map((name) => `secret/${name}`).join(', ')}`);
      createdBy.set(marker, created);
    }
    for (const { variant, objects } of builds) {
      const created: Created = new Map(variant.blocks.flatMap((marker) => [...createdBy.get(marker)!]));
      await check(`${variant.dir}: ${objects.length} objects hold what scaled-out Grafana needs`, () => {
        const checked = new BuildCheck(variant, objects, created);
        checkGrafana(checked);
        if (checked.failures.size) {
          throw new Error(`\n  ${[...checked.failures].join('\n  ')}`);
        }
      });
      await check(`${variant.dir}: kubectl apply --dry-run=server --validate=strict accepts every object`, () =>
        dryRun(objects, bed.adminKubeconfigPath, variant.dir)
      );
    }
    await check('the dry run is binding: a Deployment with an unknown field is refused, named', () => {
      const deployment = structuredClone(builds[0].objects.find((o) => o.kind === 'Deployment')!);
      (deployment.spec as Record<string, unknown>).replica = 2;
      try {
        dryRun([deployment], bed.adminKubeconfigPath, 'unknown field');
      } catch (error) {
        const message = (error as Error).message;
        if (message.includes('Deployment grafana/grafana') && message.includes('unknown field "spec.replica"')) {
          return;
        }
        throw new Error(`refused, but not naming the object and field: ${message}`);
      }
      throw new Error('kube-apiserver accepted spec.replica: the dry run does not validate strictly');
    });
  } finally {
    await testbed?.stop();
  }
  console.log(`\ngrafana-ha check passed: ${passed} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: Error) => {
  console.error(`\ngrafana-ha check FAILED: ${error.message}`);
  process.exit(1);
});

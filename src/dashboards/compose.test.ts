/**
 * @jest-environment node
 */
// No Docker engine runs on the project's machines, so the demo (docker-compose.yaml, deploy/docker, deploy/prometheus,
// provisioning/) is checked statically: it runs upstream images only, pinned, besides the one Grafana+plugin image;
// nothing of the retired simulator comes back; every mounted path exists; and names, ports, paths and credentials
// agree between compose, the setup script, the cluster manifests, the Prometheus config and the provisioning files.
import { existsSync, readdirSync, readFileSync } from 'fs';
import path from 'path';
import yaml from 'js-yaml';

import appPlugin from '../plugin.json';
import datasourcePlugin from '../datasource/plugin.json';

const REPO = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');
const loadAll = (file: string) => yaml.loadAll(read(file)) as Array<Record<string, any>>;

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  hostname?: string;
  depends_on?: Record<string, { condition: string }>;
}
const COMPOSE_TEXT = read('docker-compose.yaml');
const compose = yaml.load(COMPOSE_TEXT) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const DOCKERFILE = read('deploy/docker/Dockerfile');
const SETUP = read('deploy/docker/demo-setup.sh');
const PROMETHEUS_CONFIG = 'deploy/prometheus/prometheus-k3s.yml';

/** Where each upstream image of the demo comes from; a tag is pinned when it names a release (v1.2.3[-suffix]). */
const UPSTREAM = [
  'rancher/k3s',
  'registry.k8s.io/kwok/kwok',
  'registry.k8s.io/kube-state-metrics/kube-state-metrics',
  'prom/node-exporter',
  'quay.io/prometheus/node-exporter',
  'prom/prometheus',
];
const PINNED = /^(.+):v?\d+\.\d+\.\d+(-[\w.]+)?$/;

function pinnedUpstream(image: string): boolean {
  const match = PINNED.exec(image);
  return match !== null && UPSTREAM.includes(match[1]);
}

/** `source:target[:mode]` → the named volume, ./repo path or /host path mounted at the container path. */
function mounts(service: Service): Array<{ source: string; target: string; mode?: string }> {
  return (service.volumes ?? []).map((volume) => {
    const [source, target, mode] = volume.split(':');
    return { source, target, mode };
  });
}

/** The volume (or repo path) and the path inside it that holds `file` in this service. */
function locate(service: Service, file: string): { source: string; rest: string } {
  const mount = mounts(service).find(({ target }) => file === target || file.startsWith(`${target}/`));
  expect({ file, mounted: Boolean(mount) }).toEqual({ file, mounted: true });
  return { source: mount!.source, rest: file.slice(mount!.target.length) };
}

/** `--name=value` of a command line. */
function flag(command: string[], name: string): string[] {
  return command.filter((arg) => arg.startsWith(`--${name}=`)).map((arg) => arg.slice(name.length + 3));
}

/** A shell variable assigned at the top of the setup script (`NAME=value`). */
function setupVariable(name: string): string {
  const match = new RegExp(`^${name}=(\\S+)$`, 'm').exec(SETUP);
  expect({ name, assigned: Boolean(match) }).toEqual({ name, assigned: true });
  return match![1];
}

function provisioningVariables(): string[] {
  const text = read('provisioning/datasources/kubeatlas.yaml') + read('provisioning/plugins/apps.yaml');
  return [...new Set([...text.matchAll(/^[^#\n]*\$\{(\w+)\}/gm)].map((match) => match[1]))];
}

interface ScrapeConfig {
  job_name: string;
  honor_labels?: boolean;
  static_configs?: Array<{ targets: string[] }>;
  kubernetes_sd_configs?: Array<{ api_server: string; authorization: { credentials_file: string } }>;
  authorization?: { credentials_file: string };
  tls_config?: { ca_file: string };
  relabel_configs?: Array<{ source_labels?: string[]; target_label?: string; replacement?: string; action?: string }>;
}
const loadPrometheus = (file: string) =>
  yaml.load(read(file)) as { global: { scrape_interval: string }; scrape_configs: ScrapeConfig[] };

/** The value a job's relabelling gives a label outright (a replacement without source labels), if any. */
function setLabel(job: ScrapeConfig, label: string): string | undefined {
  const rules = (job.relabel_configs ?? []).filter((rule) => rule.target_label === label && !rule.source_labels);
  return rules.at(-1)?.replacement;
}

/** Each job's `job` label after relabelling, with the metrics_path label the kubelet jobs set. */
function jobLabels(file: string): string[] {
  return loadPrometheus(file)
    .scrape_configs.map((job) => {
      const metricsPath = setLabel(job, 'metrics_path');
      return `${setLabel(job, 'job') ?? job.job_name}${metricsPath ? ` ${metricsPath}` : ''}`;
    })
    .sort();
}

describe('docker-compose.yaml', () => {
  it('runs upstream images with pinned release tags, and builds only Grafana with the plugin', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'grafana') {
        expect(service.image).toBeUndefined();
        expect(service.build).toEqual(
          expect.objectContaining({ context: '.', dockerfile: 'deploy/docker/Dockerfile', target: 'grafana' })
        );
      } else {
        expect({
          name,
          build: service.build,
          image: service.image,
          pinned: pinnedUpstream(service.image ?? ''),
        }).toEqual({ name, build: undefined, image: service.image, pinned: true });
      }
    }
    // What runs inside the cluster is pinned too.
    for (const document of loadAll('deploy/docker/cluster/kwok-controller.yaml')) {
      for (const container of document.spec?.template?.spec?.containers ?? []) {
        expect({ image: container.image, pinned: pinnedUpstream(container.image) }).toEqual({
          image: container.image,
          pinned: true,
        });
      }
    }
    // The Dockerfile has the Node build stages and the Grafana stage, nothing else.
    const args = Object.fromEntries([...DOCKERFILE.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    const stages = [...DOCKERFILE.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map(([, image, stage]) => ({
      image: image.replace(/\$\{(\w+)\}/g, (_, arg) => args[arg] ?? `<${arg} unset>`),
      stage,
    }));
    expect(stages.map(({ stage }) => stage)).toEqual(['dependencies', 'plugin', 'grafana']);
    expect(stages.map(({ image }) => image)).toEqual([
      expect.stringMatching(/^node:20\.\d+\.\d+-/),
      'dependencies',
      expect.stringMatching(/^grafana\/grafana:12\.\d+\.\d+$/),
    ]);
    for (const copied of DOCKERFILE.matchAll(/^COPY (?:--chmod=\d+ )?(deploy\/\S+)/gm)) {
      expect(existsSync(path.join(REPO, copied[1]))).toBe(true);
    }
  });

  it('has nothing of the retired simulator', () => {
    const prometheus = read(PROMETHEUS_CONFIG);
    for (const [file, text] of [
      ['docker-compose.yaml', COMPOSE_TEXT],
      ['deploy/docker/Dockerfile', DOCKERFILE],
      ['deploy/docker/demo-setup.sh', SETUP],
      [PROMETHEUS_CONFIG, prometheus],
    ]) {
      expect({ file, simulator: /simulator|npm run sim\b|16480/i.test(text) }).toEqual({ file, simulator: false });
    }
    // Its targets came from its own HTTP discovery; a real cluster is discovered through the API server.
    expect(loadPrometheus(PROMETHEUS_CONFIG).scrape_configs.filter((job) => 'http_sd_configs' in job)).toEqual([]);
    // The build context leaves the test ground out, so no image can carry it.
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['simulator', 'testbed', 'exporters', 'sandbox']));
  });

  it('mounts only paths of this checkout and named volumes (and the host root, read-only, for node-exporter)', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const { source, mode } of mounts(service)) {
        if (source.startsWith('./')) {
          expect({ name, source, exists: existsSync(path.join(REPO, source)) }).toEqual({ name, source, exists: true });
        } else if (source.startsWith('/')) {
          expect({ name, source, mode }).toEqual({ name: 'node-exporter', source: '/', mode: 'ro,rslave' });
        } else {
          expect(Object.keys(compose.volumes)).toContain(source);
        }
      }
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect(Object.keys(services)).toContain(dependency);
      }
    }
  });

  it('gives the setup script every file it reads, from this checkout', () => {
    const setup = services.setup;
    expect(setup.image).toBe(services.k3s.image);
    const script = setup.entrypoint!.at(-1)!;
    expect(locate(setup, script)).toEqual({ source: './deploy/docker/demo-setup.sh', rest: '' });
    const demo = setupVariable('DEMO');
    const files = [...SETUP.matchAll(/\$DEMO(\/[\w./-]+)/g)].map((match) => demo + match[1]);
    expect(files).toEqual(
      expect.arrayContaining([
        `${demo}/kubernetes/kubeatlas-reader.yaml`,
        `${demo}/kubernetes/kubeatlas-operator.yaml`,
        `${demo}/kwok/stages.yaml`,
        `${demo}/scenario/`,
      ])
    );
    for (const file of files) {
      const { source, rest } = locate(setup, file.replace(/\/(\*\.yaml)?$/, ''));
      expect({ file, exists: existsSync(path.join(REPO, source, rest)) }).toEqual({ file, exists: true });
    }
    // The scenario is the testbed's, applied as plain manifests.
    expect(locate(setup, `${demo}/scenario`).source).toBe('./testbed/scenarios/demo');
    expect(SETUP).toContain('kubectl apply -f "$DEMO/scenario/"');
  });

  it("applies the scenario's CustomResourceDefinitions first, each file until established, then the folder", () => {
    // The script finds them by this line; kubectl wait -f waits on every object of a file, so those hold CRDs only.
    const crdLine = "grep -q '^kind: CustomResourceDefinition$'";
    const scenario = 'testbed/scenarios/demo';
    const files = readdirSync(path.join(REPO, scenario)).filter((file) => file.endsWith('.yaml'));
    const crdFiles = files.filter((file) => /^kind: CustomResourceDefinition$/m.test(read(`${scenario}/${file}`)));
    expect(crdFiles.length).toBeGreaterThan(0);
    const groups = new Set<string>();
    for (const file of files) {
      const kinds = loadAll(`${scenario}/${file}`).map((document) => document.kind);
      expect({ file, crds: kinds.includes('CustomResourceDefinition') }).toEqual({
        file,
        crds: crdFiles.includes(file),
      });
      if (crdFiles.includes(file)) {
        expect({ file, kinds: [...new Set(kinds)] }).toEqual({ file, kinds: ['CustomResourceDefinition'] });
        loadAll(`${scenario}/${file}`).forEach((crd) => groups.add(crd.spec.group));
      }
    }
    // The scenario has objects of those kinds (the monitors), which the folder's apply creates.
    const custom = files.flatMap((file) =>
      loadAll(`${scenario}/${file}`).filter((document) => groups.has(String(document.apiVersion).split('/')[0]))
    );
    expect(custom.length).toBeGreaterThan(0);
    const order = [
      SETUP.indexOf(`for manifest in "$DEMO"/scenario/*.yaml; do\n  ${crdLine} "$manifest" || continue`),
      SETUP.indexOf('kubectl apply -f "$manifest"'),
      SETUP.indexOf('kubectl wait --for condition=established --timeout="${TIMEOUT_SECONDS}s" -f "$manifest"'),
      SETUP.indexOf('kubectl apply -f "$DEMO/scenario/"'),
    ];
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('starts kwok on the real node with the configuration files the setup script puts in its ConfigMap', () => {
    const documents = loadAll('deploy/docker/cluster/kwok-controller.yaml');
    const pod = documents.find((d) => d.kind === 'Deployment')!.spec.template.spec;
    const container = pod.containers[0];
    const mount = container.volumeMounts[0].mountPath as string;
    expect(pod.volumes[0].configMap.name).toBe('kwok-config');
    expect(SETUP).toContain('create configmap kwok-config');
    const keys = [...SETUP.matchAll(/--from-file=([\w.-]+)=/g)].map((match) => match[1]);
    const configs = flag(container.args, 'config');
    expect(configs.length).toBeGreaterThan(1);
    for (const config of configs) {
      expect(keys).toContain(path.relative(mount, config));
    }
    for (const logs of loadAll('deploy/docker/cluster/kwok-demo.yaml').filter((d) => d.kind === 'ClusterLogs')) {
      for (const entry of logs.spec.logs) {
        expect(keys).toEqual(
          expect.arrayContaining([entry.logsFile, entry.previousLogsFile].map((f) => path.relative(mount, f)))
        );
      }
    }
    // It plays the nodes the scenario marks as fake, and runs where k3s's label and taint say: on the real node.
    expect(flag(container.args, 'manage-nodes-with-annotation-selector')).toEqual(['kwok.x-k8s.io/node=fake']);
    const k3s = services.k3s.command!;
    const [labelKey, labelValue] = flag(k3s, 'node-label')[0].split('=');
    expect(pod.nodeSelector).toEqual({ [labelKey]: labelValue });
    const [taintKey, taintEffect] = [
      flag(k3s, 'node-taint')[0].split('=')[0],
      flag(k3s, 'node-taint')[0].split(':')[1],
    ];
    expect(pod.tolerations).toContainEqual({ key: taintKey, operator: 'Exists', effect: taintEffect });
    // The kwok release the testbed builds and tests against.
    const testbedKwok = /^\s*sigs\.k8s\.io\/kwok (v\S+)/m.exec(read('testbed/go/kwok/go.mod'))![1];
    expect(container.image).toBe(`registry.k8s.io/kwok/kwok:${testbedKwok}`);
    // The cluster runs the testbed's Kubernetes minor version.
    const testbedKubernetes = /^\s*k8s\.io\/kubernetes v(\d+\.\d+)\./m.exec(read('testbed/go/kubernetes/go.mod'))![1];
    expect(services.k3s.image).toMatch(
      new RegExp(`^rancher/k3s:v${testbedKubernetes.replace('.', '\\.')}\\.\\d+-k3s\\d+$`)
    );
  });

  it('runs a 12.x Grafana by default and lets GRAFANA_VERSION choose another', () => {
    const composeDefault = /^\$\{GRAFANA_VERSION:-(12\.\d+\.\d+)\}$/.exec(
      services.grafana.build!.args!.GRAFANA_VERSION
    );
    expect(composeDefault).not.toBeNull();
    expect(DOCKERFILE).toContain(`ARG GRAFANA_VERSION=${composeDefault![1]}\n`);
    expect(DOCKERFILE).toMatch(/^FROM grafana\/grafana:\$\{GRAFANA_VERSION\} AS grafana$/m);
    // The plugin is built inside the image, so a machine with only Docker can run the demo.
    expect(DOCKERFILE).toMatch(/RUN npm ci/);
    expect(DOCKERFILE).toMatch(/RUN npm run build/);
    expect(DOCKERFILE).toContain(`COPY --from=plugin /kubeatlas/dist /var/lib/grafana/plugins/${appPlugin.id}`);
  });

  it('lets Grafana load both unsigned plugins and gives it every variable the provisioning files use', () => {
    const grafana = services.grafana;
    const environment = grafana.environment!;
    expect(environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',').sort()).toEqual(
      [appPlugin.id, datasourcePlugin.id].sort()
    );
    expect(mounts(grafana)).toContainEqual({
      source: './provisioning',
      target: '/etc/grafana/provisioning',
      mode: 'ro',
    });
    const variables = provisioningVariables();
    expect(variables.sort()).toEqual([
      'KUBEATLAS_CA_CERT',
      'KUBEATLAS_CLUSTER_URL',
      'KUBEATLAS_PROMETHEUS_URL',
      'KUBEATLAS_TOKEN',
    ]);
    const entrypoint = read('deploy/docker/grafana-entrypoint.sh');
    const fileVariables: Record<string, string> = {
      KUBEATLAS_TOKEN: 'KUBEATLAS_TOKEN_FILE',
      KUBEATLAS_CA_CERT: 'KUBEATLAS_CA_FILE',
    };
    for (const variable of variables) {
      const fileVariable = fileVariables[variable];
      const set = variable in environment || (fileVariable in environment && entrypoint.includes(fileVariable));
      expect({ variable, set }).toEqual({ variable, set: true });
    }
    expect(environment.KUBEATLAS_PROMETHEUS_URL).toBe('http://prometheus:9090');
  });

  it("points Grafana at k3s's API server under a name its certificate holds, with the setup script's credentials", () => {
    const grafana = services.grafana;
    const url = new URL(grafana.environment!.KUBEATLAS_CLUSTER_URL);
    expect(url.protocol).toBe('https:');
    expect(url.hostname in services).toBe(true);
    expect(services[url.hostname].image).toMatch(/^rancher\/k3s:/);
    expect(flag(services[url.hostname].command!, 'tls-san')).toContain(url.hostname);
    expect(setupVariable('API_SERVER')).toBe(url.origin);
    // Grafana depends on the setup job having finished, and reads the files it wrote from the same volume.
    expect(grafana.depends_on!.setup).toEqual({ condition: 'service_completed_successfully' });
    const credentials = setupVariable('CREDENTIALS');
    for (const [variable, file] of [
      ['KUBEATLAS_TOKEN_FILE', 'token'],
      ['KUBEATLAS_CA_FILE', 'ca.crt'],
    ]) {
      expect(SETUP).toContain(`"$CREDENTIALS/${file}"`);
      expect(locate(grafana, grafana.environment![variable])).toEqual(locate(services.setup, `${credentials}/${file}`));
    }
    // The token is that of the reader ServiceAccount of deploy/kubernetes, from its Secret, as users read it.
    expect(SETUP).toMatch(/write_secret_value kubeatlas kubeatlas-token token /);
    const reader = loadAll('deploy/kubernetes/kubeatlas-reader.yaml');
    expect(reader).toContainEqual(
      expect.objectContaining({
        kind: 'Secret',
        metadata: expect.objectContaining({
          name: 'kubeatlas-token',
          namespace: 'kubeatlas',
          annotations: { 'kubernetes.io/service-account.name': 'kubeatlas' },
        }),
      })
    );
    // kube-state-metrics reads the kubeconfig the setup job rewrote for https://k3s:6443, from the k3s admin volume.
    const ksmKubeconfig = flag(services['kube-state-metrics'].command!, 'kubeconfig')[0];
    expect(locate(services['kube-state-metrics'], ksmKubeconfig)).toEqual(
      locate(services.setup, setupVariable('COMPOSE_KUBECONFIG'))
    );
    expect(locate(services.k3s, services.k3s.environment!.K3S_KUBECONFIG_OUTPUT)).toEqual(
      locate(services.setup, setupVariable('ADMIN_KUBECONFIG'))
    );
  });
});

describe('deploy/prometheus/prometheus-k3s.yml', () => {
  const config = loadPrometheus(PROMETHEUS_CONFIG);
  const jobs = Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, job]));

  it('is the config compose runs, and yields the job labels of prometheus.yml, which the dashboards are proven on', () => {
    expect(mounts(services.prometheus)).toContainEqual({
      source: `./${PROMETHEUS_CONFIG}`,
      target: '/etc/prometheus/prometheus.yml',
      mode: 'ro',
    });
    expect(jobLabels(PROMETHEUS_CONFIG)).toEqual(
      expect.arrayContaining([...new Set(jobLabels('deploy/prometheus/prometheus.yml'))])
    );
    expect([...new Set(jobLabels(PROMETHEUS_CONFIG))]).toEqual([
      'kube-state-metrics',
      'kubelet /metrics',
      'kubelet /metrics/cadvisor',
      'node-exporter',
    ]);
    // Grafana derives $__rate_interval from the Prometheus datasource's scrape interval.
    const datasources = yaml.load(read('provisioning/datasources/kubeatlas.yaml')) as {
      datasources: Array<{ type: string; jsonData: Record<string, unknown> }>;
    };
    expect(datasources.datasources.find((ds) => ds.type === 'prometheus')!.jsonData.timeInterval).toBe(
      config.global.scrape_interval
    );
  });

  it("keeps kube-state-metrics' labels and scrapes it where compose runs it", () => {
    const ksm = jobs['kube-state-metrics'];
    expect(ksm.honor_labels).toBe(true);
    const port = flag(services['kube-state-metrics'].command!, 'port')[0];
    expect(ksm.static_configs).toEqual([{ targets: [`kube-state-metrics:${port}`] }]);
  });

  it('labels every kubelet series with its node and reaches kubelets through the API server with the setup token', () => {
    const kubeletJobs = config.scrape_configs.filter((job) => job.kubernetes_sd_configs);
    expect(kubeletJobs.map((job) => job.job_name).sort()).toEqual(['kubelet', 'kubelet-cadvisor', 'kwok-cadvisor']);
    const credentials = setupVariable('CREDENTIALS');
    for (const job of kubeletJobs) {
      expect(job.honor_labels).toBe(true);
      expect(job.relabel_configs).toContainEqual({
        source_labels: ['__meta_kubernetes_node_name'],
        target_label: 'node',
      });
      const apiServer = new URL(job.kubernetes_sd_configs![0].api_server);
      expect(apiServer.origin).toBe(services.grafana.environment!.KUBEATLAS_CLUSTER_URL);
      expect(setLabel(job, '__address__')).toBe(apiServer.host);
      const metricsPath = job.relabel_configs!.find((rule) => rule.target_label === '__metrics_path__')!.replacement!;
      expect(metricsPath).toMatch(/^\/api\/v1\/nodes\/\$1\/proxy\//);
      for (const file of [
        job.authorization!.credentials_file,
        job.kubernetes_sd_configs![0].authorization.credentials_file,
        job.tls_config!.ca_file,
      ]) {
        expect(locate(services.prometheus, file)).toEqual(
          locate(services.setup, `${credentials}/${path.basename(file)}`)
        );
        expect(SETUP).toContain(`"$CREDENTIALS/${path.basename(file)}"`);
      }
    }
    // The fake nodes have no kubelet: kwok serves their cAdvisor series at the path its Metric declares.
    const fake = { source_labels: ['__meta_kubernetes_node_annotation_kwok_x_k8s_io_node'], regex: 'fake' };
    expect(jobs.kubelet.relabel_configs).toContainEqual({ ...fake, action: 'drop' });
    expect(jobs['kubelet-cadvisor'].relabel_configs).toContainEqual({ ...fake, action: 'drop' });
    expect(jobs['kwok-cadvisor'].relabel_configs).toContainEqual({ ...fake, action: 'keep' });
    const metric = loadAll('deploy/docker/cluster/kwok-demo.yaml').find((d) => d.kind === 'Metric')!;
    const kwokPath = jobs['kwok-cadvisor'].relabel_configs!.find((r) => r.target_label === '__metrics_path__')!;
    expect(kwokPath.replacement).toBe(`/api/v1/nodes/$1/proxy${metric.spec.path.replace('{nodeName}', '$1')}`);
    expect(metric.spec.metrics.map((m: { name: string }) => m.name).sort()).toEqual([
      'container_cpu_usage_seconds_total',
      'container_memory_working_set_bytes',
    ]);
  });

  it("names node-exporter's instance after the k3s node it runs beside, as node_uname_info does", () => {
    const nodeName = flag(services.k3s.command!, 'node-name')[0];
    expect(setLabel(jobs['node-exporter'], 'instance')).toBe(nodeName);
    expect(services['node-exporter'].hostname).toBe(nodeName);
    expect(services.k3s.hostname).toBe(nodeName);
    expect(setupVariable('REAL_NODE')).toBe(nodeName);
    expect(jobs['node-exporter'].static_configs).toEqual([{ targets: ['node-exporter:9100'] }]);
  });
});

interface ProvisionedDatasource {
  uid: string;
  type: string;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, unknown>;
}

describe('provisioning', () => {
  const datasources = (
    yaml.load(read('provisioning/datasources/kubeatlas.yaml')) as { datasources: ProvisionedDatasource[] }
  ).datasources;

  it('enables the app', () => {
    const apps = (
      yaml.load(read('provisioning/plugins/apps.yaml')) as { apps: Array<{ type: string; disabled: boolean }> }
    ).apps;
    expect(apps).toEqual([expect.objectContaining({ type: appPlugin.id, disabled: false })]);
  });

  it('provisions Prometheus and a KubeAtlas datasource linked to it, with the settings contract of the datasource', () => {
    expect(datasources.map((ds) => [ds.uid, ds.type])).toEqual([
      ['kubeatlas-prometheus', 'prometheus'],
      ['kubeatlas-demo', datasourcePlugin.id],
    ]);
    const [prometheus, cluster] = datasources;
    expect(cluster.jsonData.prometheusDatasourceUid).toBe(prometheus.uid);
    const jsonData = [
      'clusterUrl',
      'prometheusDatasourceUid',
      'clusterLabelName',
      'clusterLabelValue',
      'refreshIntervalSeconds',
      'timeout',
      'tlsSkipVerify',
      'tlsAuthWithCACert',
      'tlsAuth',
      'serverName',
    ];
    expect(Object.keys(cluster.jsonData).filter((key) => !jsonData.includes(key))).toEqual([]);
    expect(Object.keys(cluster.secureJsonData).sort()).toEqual(['bearerToken', 'tlsCACert']);
    // Secrets only in secureJsonData.
    expect(JSON.stringify(cluster.jsonData)).not.toMatch(/TOKEN|CA_CERT/);
  });

  it('documents every variable it uses at the top of the file', () => {
    const header = read('provisioning/datasources/kubeatlas.yaml').split('\napiVersion')[0];
    for (const variable of provisioningVariables()) {
      expect(header).toContain(variable);
    }
  });
});

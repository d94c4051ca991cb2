/**
 * @jest-environment node
 */
// No Docker engine runs here, so the demo (docker-compose.yaml, deploy/docker, provisioning/) is checked statically:
// the files parse, everything they reference exists, images are pinned, and ports, URLs, paths and environment
// variables agree between compose, the simulator's flags, the Prometheus config and the provisioning files.
import { existsSync, readFileSync } from 'fs';
import path from 'path';
import yaml from 'js-yaml';

import appPlugin from '../plugin.json';
import datasourcePlugin from '../datasource/plugin.json';

const REPO = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  hostname?: string;
  depends_on?: string[] | Record<string, { condition: string }>;
}
const compose = yaml.load(read('docker-compose.yaml')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const dockerfile = read('deploy/docker/Dockerfile');

/** The simulator's CLI lies outside the plugin's TypeScript project (rootDir src): loaded at run time. */
const SIMULATOR_MAIN = '../../simulator/src/main';
const SIMULATOR_TLS = '../../simulator/src/server/tls';

function flagValue(command: string[], flag: string): string {
  const index = command.indexOf(`--${flag}`);
  expect({ flag, given: index >= 0 }).toEqual({ flag, given: true });
  return command[index + 1];
}

/** `volume:/path[:ro]` → the named volume (or ./host path) mounted at the container path. */
function mounts(service: Service): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).map((volume) => {
    const [source, target] = volume.split(':');
    return { source, target };
  });
}

/** The volume and the path inside it that holds `file` in this service. */
function locate(service: Service, file: string): { volume: string; rest: string } {
  const mount = mounts(service).find(({ target }) => file.startsWith(`${target}/`));
  expect({ file, mounted: Boolean(mount) }).toEqual({ file, mounted: true });
  return { volume: mount!.source, rest: file.slice(mount!.target.length) };
}

function provisioningVariables(): string[] {
  const text = read('provisioning/datasources/kubeatlas.yaml') + read('provisioning/plugins/apps.yaml');
  return [...new Set([...text.matchAll(/^[^#\n]*\$\{(\w+)\}/gm)].map((match) => match[1]))];
}

describe('docker-compose.yaml', () => {
  it('pins every image by tag, builds from existing Dockerfile stages, and mounts existing files', () => {
    const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)];
    const args = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    for (const [, image] of stages) {
      const resolved = image.replace(/\$\{(\w+)\}/g, (_, name) => args[name] ?? `<${name} unset>`);
      expect({
        image,
        pinned: /^[\w./-]+:\d[\w.-]*$/.test(resolved) || stages.some((stage) => stage[2] === image),
      }).toEqual({ image, pinned: true });
    }
    for (const [name, service] of Object.entries(services)) {
      if (service.image) {
        expect({ name, image: service.image, pinned: /:v?\d[\w.-]*$/.test(service.image) }).toEqual({
          name,
          image: service.image,
          pinned: true,
        });
      } else {
        expect(service.build?.dockerfile).toBe('deploy/docker/Dockerfile');
        expect(stages.map((stage) => stage[2])).toContain(service.build!.target);
      }
      for (const { source } of mounts(service)) {
        if (source.startsWith('.')) {
          expect({ name, source, exists: existsSync(path.join(REPO, source)) }).toEqual({ name, source, exists: true });
        } else if (!source.startsWith('/')) {
          expect(Object.keys(compose.volumes)).toContain(source);
        }
      }
    }
    for (const copied of dockerfile.matchAll(/^COPY (?:--chmod=\d+ )?(deploy\/\S+)/gm)) {
      expect(existsSync(path.join(REPO, copied[1]))).toBe(true);
    }
    for (const [name, service] of Object.entries(services)) {
      const dependencies = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      expect({ name, missing: dependencies.filter((dependency) => !services[dependency]) }).toEqual({
        name,
        missing: [],
      });
    }
  });

  it('runs a 12.x Grafana by default and lets GRAFANA_VERSION choose another', () => {
    expect(services.grafana.build!.args!.GRAFANA_VERSION).toMatch(/^\$\{GRAFANA_VERSION:-12\.\d+\.\d+\}$/);
    expect(dockerfile).toMatch(/^FROM grafana\/grafana:\$\{GRAFANA_VERSION\} AS grafana$/m);
    expect(dockerfile).toMatch(/^ARG GRAFANA_VERSION=12\.\d+\.\d+$/m);
    // The plugin is built inside the image, so a machine with only Docker can run the demo.
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toContain(`COPY --from=plugin /kubeatlas/dist /var/lib/grafana/plugins/${appPlugin.id}`);
  });

  it('lets Grafana load both unsigned plugins and mounts the provisioning directory', () => {
    for (const name of ['grafana', 'grafana-k3s']) {
      const service = services[name];
      expect(service.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',').sort()).toEqual(
        [appPlugin.id, datasourcePlugin.id].sort()
      );
      expect(mounts(service)).toContainEqual({ source: './provisioning', target: '/etc/grafana/provisioning' });
    }
  });

  it('gives Grafana every variable the provisioning files use, pointing at the right services', () => {
    const variables = provisioningVariables();
    expect(variables.sort()).toEqual([
      'KUBEATLAS_CA_CERT',
      'KUBEATLAS_CLUSTER_URL',
      'KUBEATLAS_PROMETHEUS_URL',
      'KUBEATLAS_TOKEN',
    ]);
    const entrypoint = read('deploy/docker/grafana-entrypoint.sh');
    for (const name of ['grafana', 'grafana-k3s']) {
      const environment = services[name].environment!;
      for (const variable of variables) {
        // KUBEATLAS_TOKEN and KUBEATLAS_CA_CERT come from files through the entrypoint.
        const fileVariable = { KUBEATLAS_TOKEN: 'KUBEATLAS_TOKEN_FILE', KUBEATLAS_CA_CERT: 'KUBEATLAS_CA_FILE' }[
          variable as string
        ];
        const set =
          variable in environment ||
          (fileVariable !== undefined && fileVariable in environment && entrypoint.includes(fileVariable));
        expect({ name, variable, set }).toEqual({ name, variable, set: true });
      }
    }
    expect(services.grafana.environment!.KUBEATLAS_PROMETHEUS_URL).toBe('http://prometheus:9090');
    expect(services['grafana-k3s'].environment!.KUBEATLAS_PROMETHEUS_URL).toBe('http://prometheus-k3s:9090');
    expect(services['grafana-k3s'].environment!.KUBEATLAS_CLUSTER_URL).toBe('https://k3s:6443');
    expect(services.k3s.command).toContain('--tls-san=k3s');
  });

  it("starts the simulator with flags it accepts, serving Grafana's URL under a name its certificate holds", async () => {
    const { parseFlags } = (await import(SIMULATOR_MAIN)) as { parseFlags(argv: string[]): Record<string, unknown> };
    const { DEFAULT_SANS } = (await import(SIMULATOR_TLS)) as { DEFAULT_SANS: string[] };
    const command = services.simulator.command!;
    expect(() => parseFlags(command)).not.toThrow();
    const url = new URL(services.grafana.environment!.KUBEATLAS_CLUSTER_URL);
    expect(url.protocol).toBe('https:');
    expect(url.hostname).toBe('simulator');
    expect(url.port).toBe(flagValue(command, 'port'));
    expect([...DEFAULT_SANS, flagValue(command, 'tls-san')]).toContain(url.hostname);
    expect(flagValue(command, 'host')).toBe('0.0.0.0');
  });

  it('hands the credentials the simulator writes to Grafana through a shared volume', () => {
    const command = services.simulator.command!;
    const environment = services.grafana.environment!;
    for (const [flag, variable] of [
      ['token-out', 'KUBEATLAS_TOKEN_FILE'],
      ['ca-out', 'KUBEATLAS_CA_FILE'],
    ]) {
      expect(locate(services.grafana, environment[variable])).toEqual(
        locate(services.simulator, flagValue(command, flag))
      );
    }
    // The token is the reader ServiceAccount's of deploy/kubernetes, the RBAC the simulator enforces.
    expect(flagValue(command, 'user')).toBe('system:serviceaccount:kubeatlas:kubeatlas');
    expect(read('deploy/kubernetes/kubeatlas-reader.yaml')).toMatch(
      /kind: ServiceAccount\nmetadata:\n  name: kubeatlas\n  namespace: kubeatlas/
    );
  });

  it('points Prometheus at the simulator and node-exporter the way the shipped scrape config expects', () => {
    const command = services.simulator.command!;
    expect(mounts(services.prometheus)).toContainEqual({
      source: './deploy/prometheus/prometheus.compose.yml',
      target: '/etc/prometheus/prometheus.yml',
    });
    const config = yaml.load(read('deploy/prometheus/prometheus.compose.yml')) as {
      global: { scrape_interval: string };
      scrape_configs: Array<{ http_sd_configs?: Array<{ url: string }> }>;
    };
    const discovery = config.scrape_configs.flatMap((job) => job.http_sd_configs ?? []).map((sd) => new URL(sd.url));
    expect(discovery.length).toBeGreaterThan(0);
    for (const url of discovery) {
      expect(url.host).toBe(`simulator:${flagValue(command, 'metrics-port')}`);
    }
    // node-exporter listens on 9100 by default, and its host name is the node it stands for (node_uname_info).
    expect(flagValue(command, 'node-exporter')).toBe('node-exporter:9100');
    expect(services['node-exporter'].hostname).toBe(flagValue(command, 'node-exporter-node'));
    expect(services.simulator.build!.target).toBe('simulator');
    // Grafana derives $__rate_interval from the Prometheus datasource's scrape interval.
    const datasources = yaml.load(read('provisioning/datasources/kubeatlas.yaml')) as {
      datasources: Array<{ type: string; jsonData: Record<string, unknown> }>;
    };
    const prometheus = datasources.datasources.find((ds) => ds.type === 'prometheus')!;
    expect(prometheus.jsonData.timeInterval).toBe(config.global.scrape_interval);
    const k3sConfig = yaml.load(read('deploy/docker/prometheus-k3s.yml')) as { global: { scrape_interval: string } };
    expect(k3sConfig.global.scrape_interval).toBe(config.global.scrape_interval);
  });

  it('keeps the k3s cluster and its exporters in the optional k3s profile', () => {
    for (const name of ['k3s', 'k3s-credentials', 'kube-state-metrics', 'prometheus-k3s', 'grafana-k3s']) {
      expect({ name, profiles: services[name].profiles }).toEqual({ name, profiles: ['k3s'] });
    }
    for (const name of ['grafana', 'simulator', 'prometheus', 'node-exporter']) {
      expect({ name, profiles: services[name].profiles }).toEqual({ name, profiles: undefined });
    }
    // The credentials job writes what grafana-k3s and prometheus-k3s read.
    const script = read('deploy/docker/k3s-credentials.sh');
    for (const file of ['ca.crt', 'token', 'prometheus-token']) {
      expect(script).toContain(`/credentials/${file}`);
    }
    expect(read('deploy/docker/prometheus-k3s.yml')).toContain('/credentials/prometheus-token');
    expect(locate(services['grafana-k3s'], services['grafana-k3s'].environment!.KUBEATLAS_TOKEN_FILE)).toEqual({
      volume: 'k3s-credentials',
      rest: '/token',
    });
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

/**
 * The whole test ground for anything that must see the product's real inputs: the testbed's real control plane with
 * the project's RBAC applied as users apply it, the kube-state-metrics and kubelet stand-in (exporters/) reading that
 * apiserver, a real node-exporter, and a real Prometheus with deploy/prometheus/prometheus.yml. On the demo scenario,
 * Prometheus also has the targets prometheus-operator would make of its monitors (./operatorTargets.ts). Used by the
 * browser e2e suite, the dashboard proof and `npm run sandbox`.
 *
 *   const stack = await startStack({ scrapeIntervalSeconds: 2 });
 *   try { await stack.waitForScrapes(); await query(stack.prometheusUrl, 'count(kube_pod_info)'); } finally { await stack.stop(); }
 *
 * Needs `prometheus` and `prometheus-node-exporter` (Debian packages) on PATH. stop() stops every process it started
 * and removes the temporary directory; it is also run if the test process exits or is interrupted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { applyRbacAndReadToken, OPERATOR_MANIFEST, READER_MANIFEST } from './kubeatlasAccount';
import type { KubeApi } from './kubeApi';
import type { RunningFaultProxy } from '../fault-proxy/src/proxy';
import { startFaultProxyFor } from './faultProxy';
import { startTestbed, type Testbed, type TestbedOptions } from './launcher';
import { loadOperatorTargets, operatorScrapeJob, type OperatorTarget, type TargetAddresses } from './operatorTargets';
import { Component, loopbackPort, startComponent, stopComponents, waitUntil } from './processes';
import { loadScenario } from './scenario';

const REPO = path.resolve(__dirname, '../..');
const SHIPPED_CONFIG = path.join(REPO, 'deploy/prometheus/prometheus.yml');
/** The metrics listener address the shipped config names; replaced by the stack's own. */
const SHIPPED_METRICS_URL = 'http://127.0.0.1:16480';
/** The kwok node the machine's real node-exporter stands for. */
export const NODE_EXPORTER_NODE = 'kwok-worker-1';

export interface StackOptions extends Pick<TestbedOptions, 'scenario' | 'scale' | 'compactionInterval'> {
  scrapeIntervalSeconds?: number;
  /** Progress lines; default silent. */
  log?: (line: string) => void;
}

export interface Stack {
  testbed: Testbed;
  /**
   * Where clients reach the cluster: the fault proxy (testbed/fault-proxy/) in front of kube-apiserver, trusted with
   * the same CA, passing everything through until setFaults() says otherwise. With the CA and the KubeAtlas
   * ServiceAccount's token (what deploy/kubernetes grants).
   */
  apiUrl: string;
  token: string;
  caPem: string;
  metricsUrl: string;
  /** The kwok node the real node-exporter stands for (its instance label). */
  nodeExporterNode: string;
  prometheusUrl: string;
  /** Replaces the fault proxy's rules (testbed/fault-proxy/README.md); [] clears them. */
  setFaults(rules: object[]): void;
  /** Logs of node-exporter, the exporter and Prometheus (the testbed's own are in testbed.logDir). */
  logDir: string;
  /**
   * Resolves once Prometheus has discovered and scraped every target, and all are up but the emulated operator's
   * targets declared down, which must be down; rejects naming the others.
   */
  waitForScrapes(timeoutMs?: number): Promise<void>;
  /** GET a path of the Kubernetes API as the ServiceAccount, parsed as JSON. */
  kubeGet<T = unknown>(apiPath: string): Promise<T>;
  stop(): Promise<void>;
}

/** Runs an instant PromQL query and returns its vector result. */
export async function query(
  prometheusUrl: string,
  promql: string
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { resultType: string; result: [] } };
  if (body.status !== 'success') {
    throw new Error(`PromQL ${promql} failed: ${body.error}`);
  }
  return body.data.result;
}

function commandOnPath(candidates: string[]): string {
  for (const candidate of candidates) {
    for (const dir of (process.env.PATH ?? '').split(':')) {
      if (fs.existsSync(path.join(dir, candidate))) {
        return path.join(dir, candidate);
      }
    }
  }
  throw new Error(
    `none of ${candidates.join(', ')} is on PATH: install the Debian packages prometheus and prometheus-node-exporter`
  );
}

/**
 * The shipped Prometheus config, pointed at this stack's exporter and scraping every `interval`, plus the emulated
 * prometheus-operator targets, if any.
 */
function prometheusConfig(
  metricsUrl: string,
  interval: string,
  monitorTargets: { targets: OperatorTarget[]; addresses: TargetAddresses }
): string {
  const config = yaml.load(fs.readFileSync(SHIPPED_CONFIG, 'utf8')) as {
    global: Record<string, string>;
    scrape_configs: Array<{ http_sd_configs?: Array<{ url: string; refresh_interval?: string }> }>;
  };
  config.global = {
    ...config.global,
    scrape_interval: interval,
    scrape_timeout: interval,
    evaluation_interval: interval,
  };
  for (const job of config.scrape_configs) {
    for (const sd of job.http_sd_configs ?? []) {
      if (!sd.url.startsWith(SHIPPED_METRICS_URL)) {
        throw new Error(`${SHIPPED_CONFIG}: expected discovery URLs under ${SHIPPED_METRICS_URL}, found ${sd.url}`);
      }
      sd.url = metricsUrl + sd.url.slice(SHIPPED_METRICS_URL.length);
      sd.refresh_interval = interval;
    }
  }
  if (monitorTargets.targets.length > 0) {
    config.scrape_configs.push(operatorScrapeJob(monitorTargets.targets, monitorTargets.addresses));
  }
  return yaml.dump(config);
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => undefined);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-stack-'));
  const logDir = path.join(tmp, 'logs');
  fs.mkdirSync(logDir);
  const components: Component[] = [];
  let testbed: Testbed | undefined;
  let serviceAccount: KubeApi | undefined;
  let faultProxy: RunningFaultProxy | undefined;
  const stop = async () => {
    serviceAccount?.close();
    await faultProxy?.close();
    await stopComponents(components);
    await testbed?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  try {
    testbed = await startTestbed({
      scenario: options.scenario,
      scale: options.scale,
      compactionInterval: options.compactionInterval,
      log,
    });
    const token = await applyRbacAndReadToken(testbed, { files: [READER_MANIFEST, OPERATOR_MANIFEST] });
    faultProxy = await startFaultProxyFor(testbed);
    const proxy = faultProxy;

    const [metricsPort, nodeExporterPort, prometheusPort, closedPort] = [
      await loopbackPort(),
      await loopbackPort(),
      await loopbackPort(),
      await loopbackPort(),
    ];
    // They describe the demo's monitors (a --scale adds none); another scenario has other monitors or none.
    const monitorTargets = {
      targets: (options.scenario ?? 'demo') === 'demo' ? loadOperatorTargets(loadScenario('demo')) : [],
      addresses: { up: `127.0.0.1:${nodeExporterPort}`, down: `127.0.0.1:${closedPort}` },
    };
    const nodeExporterAddress = `127.0.0.1:${nodeExporterPort}`;
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    const nodeExporterUrl = `http://${nodeExporterAddress}`;
    const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;

    components.push(
      startComponent(
        'node-exporter',
        commandOnPath(['prometheus-node-exporter', 'node_exporter']),
        [`--web.listen-address=${nodeExporterAddress}`],
        logDir
      )
    );
    log('testbed ready; starting node-exporter, the metrics stand-in and Prometheus');
    // The stand-in reads the cluster as kube-state-metrics does: with its own (here: admin) credentials.
    components.push(
      startComponent(
        'exporter',
        path.join(REPO, 'node_modules/.bin/tsx'),
        [
          'exporters/src/main.ts',
          '--kubeconfig',
          testbed.adminKubeconfigPath,
          '--host',
          '127.0.0.1',
          '--port',
          String(metricsPort),
          '--node-exporter',
          nodeExporterAddress,
          '--node-exporter-node',
          NODE_EXPORTER_NODE,
        ],
        logDir
      )
    );
    const prometheusConfigPath = path.join(tmp, 'prometheus.yml');
    fs.writeFileSync(
      prometheusConfigPath,
      prometheusConfig(metricsUrl, `${options.scrapeIntervalSeconds ?? 2}s`, monitorTargets)
    );
    const ok = (url: string) => async () => (await fetch(url)).ok;
    await waitUntil('node-exporter', ok(`${nodeExporterUrl}/metrics`), { timeoutMs: 15000, watch: components });
    await waitUntil('the metrics stand-in (exporters/) to list every kind', ok(`${metricsUrl}/healthz`), {
      timeoutMs: 60000,
      watch: components,
    });
    components.push(
      startComponent(
        'prometheus',
        commandOnPath(['prometheus']),
        [
          `--config.file=${prometheusConfigPath}`,
          `--storage.tsdb.path=${path.join(tmp, 'data')}`,
          `--web.listen-address=127.0.0.1:${prometheusPort}`,
        ],
        logDir
      )
    );
    await waitUntil('prometheus', ok(`${prometheusUrl}/-/ready`), { timeoutMs: 30000, watch: components });

    const waitForScrapes = async (timeoutMs = 60000) => {
      let down = 'no targets discovered';
      await waitUntil(
        'every Prometheus target scraped and up',
        async () => {
          const response = await fetch(`${prometheusUrl}/api/v1/targets?state=active`);
          const { data } = (await response.json()) as {
            data: {
              activeTargets: Array<{
                labels: Record<string, string>;
                scrapeUrl: string;
                health: string;
                lastError: string;
              }>;
            };
          };
          const targets = data.activeTargets.filter((t) => t.health !== 'unknown');
          const meantDown = (t: { scrapeUrl: string }) => new URL(t.scrapeUrl).host === monitorTargets.addresses.down;
          down = targets
            .filter((t) => (t.health === 'up') === meantDown(t))
            .map(
              (t) =>
                `${t.labels.job} ${t.labels.pod ?? t.labels.instance} ${t.health}${meantDown(t) ? ' (meant to be down)' : ''}` +
                (t.lastError ? `: ${t.lastError}` : '')
            )
            .join('; ');
          return targets.length === data.activeTargets.length && targets.length > 0 && !down;
        },
        { timeoutMs, watch: components }
      ).catch((error: Error) => {
        throw new Error(`${error.message} — not up: ${down || 'no targets discovered'}`);
      });
    };
    serviceAccount = testbed.api.as(token);
    const asServiceAccount = serviceAccount;

    return {
      testbed,
      apiUrl: proxy.url,
      token,
      caPem: testbed.caCert,
      metricsUrl,
      nodeExporterNode: NODE_EXPORTER_NODE,
      prometheusUrl,
      logDir,
      setFaults: (rules) => proxy.setFaults(rules),
      waitForScrapes,
      kubeGet: (apiPath) => asServiceAccount.get(apiPath),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts the simulator CLI, a real node-exporter and a real Prometheus (with deploy/prometheus/prometheus.yml) on free
 * loopback ports and returns their URLs: the fixture for anything that must run PromQL against real Prometheus
 * (the CI check simulator/test/prometheus-check.ts, the dashboards' query tests).
 *
 *   const stack = await startStack({ scrapeIntervalSeconds: 2 });
 *   try { await stack.waitForScrapes(); await query(stack.prometheusUrl, 'count(kube_pod_info)'); } finally { await stack.stop(); }
 *
 * Needs `prometheus` and `prometheus-node-exporter` (Debian packages) on PATH. stop() kills the three process groups
 * and removes the temporary directory; it is also run if the test process exits or is interrupted.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';

const REPO = path.resolve(__dirname, '../..');
const SHIPPED_CONFIG = path.join(REPO, 'deploy/prometheus/prometheus.yml');
/** The metrics listener address the shipped config names; replaced by the stack's own. */
const SHIPPED_METRICS_URL = 'http://127.0.0.1:16480';

export interface StackOptions {
  scenario?: string;
  scrapeIntervalSeconds?: number;
  /** More simulator flags (e.g. ['--scale', 'S']). */
  simulatorArgs?: string[];
  /** Where the processes' output goes; default: kept in memory and printed if startup fails. */
  log?: (line: string) => void;
}

export interface Stack {
  /** The simulator's Kubernetes API (HTTPS) and what a client needs to call it. */
  apiUrl: string;
  kubeconfigPath: string;
  token: string;
  caPem: string;
  metricsUrl: string;
  nodeExporterUrl: string;
  /** The simulated node the real node-exporter stands for (its instance label). */
  nodeExporterNode: string;
  prometheusUrl: string;
  /** The Prometheus config actually used (the shipped one, pointed at this stack). */
  prometheusConfigPath: string;
  /** Resolves once Prometheus has discovered and scraped every target and all are up; rejects naming the others. */
  waitForScrapes(timeoutMs?: number): Promise<void>;
  /** GET a path of the Kubernetes API with the kubeconfig's token, parsed as JSON. */
  kubeGet<T = unknown>(apiPath: string): Promise<T>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
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

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, signal); // the whole group: tsx runs the simulator in a child node process
    } catch {
      // already gone
    }
  }
}

// Last resort when the test process dies without calling stop(): never leave Prometheus or the simulator behind.
process.once('exit', () => running.forEach((child) => killGroup(child, 'SIGKILL')));

function start(name: string, command: string, args: string[], log: (line: string) => void): ChildProcess {
  const child = spawn(command, args, { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const forward = (data: Buffer) =>
    data
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((line) => log(`[${name}] ${line}`));
  child.stdout!.on('data', forward);
  child.stderr!.on('data', forward);
  child.once('exit', (code, signal) => {
    running.delete(child);
    log(`[${name}] exited (${signal ?? code})`);
  });
  child.once('error', (error) => log(`[${name}] could not start ${command}: ${error.message}`));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  exited: () => string | undefined
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    const dead = exited();
    if (dead) {
      throw new Error(`${what}: ${dead}`);
    }
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not ready after ${timeoutMs / 1000}s${lastError ? ` (${lastError})` : ''}`);
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

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const output: string[] = [];
  const log = options.log ?? ((line: string) => output.push(line));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-stack-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const exitedChild = () => {
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    return dead ? `${dead.spawnargs[0]} exited early (${dead.signalCode ?? dead.exitCode})` : undefined;
  };

  try {
    const [apiPort, metricsPort, nodeExporterPort, prometheusPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const nodeExporterAddress = `127.0.0.1:${nodeExporterPort}`;
    const nodeExporterNode = os.hostname();
    const kubeconfigPath = path.join(tmp, 'kubeconfig.yaml');
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    const nodeExporterUrl = `http://${nodeExporterAddress}`;
    const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;

    children.push(
      start(
        'node-exporter',
        commandOnPath(['prometheus-node-exporter', 'node_exporter']),
        [`--web.listen-address=${nodeExporterAddress}`],
        log
      )
    );
    children.push(
      start(
        'simulator',
        path.join(REPO, 'node_modules/.bin/tsx'),
        [
          'simulator/src/main.ts',
          '--scenario',
          options.scenario ?? 'demo',
          '--port',
          String(apiPort),
          '--kubeconfig-out',
          kubeconfigPath,
          '--metrics-port',
          String(metricsPort),
          '--node-exporter',
          nodeExporterAddress,
          '--node-exporter-node',
          nodeExporterNode,
          ...(options.simulatorArgs ?? []),
        ],
        log
      )
    );

    const config = yaml.load(fs.readFileSync(SHIPPED_CONFIG, 'utf8')) as {
      global: Record<string, string>;
      scrape_configs: Array<{ http_sd_configs?: Array<{ url: string; refresh_interval?: string }> }>;
    };
    const interval = `${options.scrapeIntervalSeconds ?? 2}s`;
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
    const prometheusConfigPath = path.join(tmp, 'prometheus.yml');
    fs.writeFileSync(prometheusConfigPath, yaml.dump(config));

    await waitFor(
      'node-exporter',
      async () => ((await fetch(`${nodeExporterUrl}/metrics`)).ok ? true : undefined),
      15000,
      exitedChild
    );
    await waitFor(
      'simulator metrics listener',
      async () => ((await fetch(`${metricsUrl}/healthz`)).ok ? true : undefined),
      60000,
      exitedChild
    );
    await waitFor(
      'simulator kubeconfig',
      async () => (fs.existsSync(kubeconfigPath) ? true : undefined),
      30000,
      exitedChild
    );
    children.push(
      start(
        'prometheus',
        commandOnPath(['prometheus']),
        [
          `--config.file=${prometheusConfigPath}`,
          `--storage.tsdb.path=${path.join(tmp, 'data')}`,
          `--web.listen-address=127.0.0.1:${prometheusPort}`,
        ],
        log
      )
    );
    await waitFor(
      'prometheus',
      async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined),
      30000,
      exitedChild
    );

    const kubeconfig = yaml.load(fs.readFileSync(kubeconfigPath, 'utf8')) as {
      clusters: Array<{ cluster: { server: string; 'certificate-authority-data'?: string } }>;
      users: Array<{ user: { token: string } }>;
    };
    const apiUrl = kubeconfig.clusters[0].cluster.server;
    const caPem = Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'] ?? '', 'base64').toString();
    const token = kubeconfig.users[0].user.token;

    const kubeGet = <T>(apiPath: string) =>
      new Promise<T>((resolve, reject) => {
        const request = https.get(
          new URL(apiPath, apiUrl),
          { ca: caPem, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (part: string) => (body += part));
            res.on('end', () =>
              res.statusCode === 200
                ? resolve(JSON.parse(body))
                : reject(new Error(`GET ${apiPath}: HTTP ${res.statusCode} ${body.slice(0, 300)}`))
            );
          }
        );
        request.on('error', reject);
      });

    const waitForScrapes = async (timeoutMs = 60000) => {
      let down = '';
      await waitFor(
        'every Prometheus target scraped and up',
        async () => {
          const response = await fetch(`${prometheusUrl}/api/v1/targets?state=active`);
          const { data } = (await response.json()) as {
            data: { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> };
          };
          const targets = data.activeTargets;
          down = targets
            .filter((t) => t.health !== 'up')
            .map((t) => `${t.labels.job} ${t.labels.instance} ${t.health}${t.lastError ? `: ${t.lastError}` : ''}`)
            .join('; ');
          return targets.length && !down ? true : undefined;
        },
        timeoutMs,
        exitedChild
      ).catch((error: Error) => {
        throw new Error(`${error.message}${down ? ` — not up: ${down}` : ' — no targets discovered'}`);
      });
    };

    return {
      apiUrl,
      kubeconfigPath,
      token,
      caPem,
      metricsUrl,
      nodeExporterUrl,
      nodeExporterNode,
      prometheusUrl,
      prometheusConfigPath,
      waitForScrapes,
      kubeGet,
      stop,
    };
  } catch (error) {
    await stop();
    if (!options.log) {
      process.stderr.write(output.slice(-40).join('\n') + '\n');
    }
    throw error;
  }
}

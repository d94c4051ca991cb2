/**
 * `npm run sim -- <flags>`: builds a scenario and serves it as a Kubernetes API (HTTPS by default), writing a
 * kubeconfig, CA and token for clients. Flags are declared once in FLAGS; --help prints them.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AddressInfo } from 'node:net';
import http from 'node:http';
import { createCluster, Simulation, SCENARIOS, SCALE_PRESETS, ScenarioName, ScaleName } from './cluster';
import { createApiServer } from './server/server';
import { Discovery } from './server/discovery';
import { applyManifests } from './server/manifests';
import { Rbac } from './server/rbac';
import { TokenAuthenticator, ADMIN_USER } from './server/auth';
import { Faults, parseFaultFlag } from './server/faults';
import { tlsMaterial, DEFAULT_SANS } from './server/tls';
// metrics hook (simulator-metrics helper): flags, worker names and the metrics listener, see ./metrics/cli.ts
import { METRICS_FLAGS, metricsWorkerNames, startMetricsFromFlags } from './metrics/cli';

interface Flag {
  name: string;
  value?: string;
  help: string;
  default?: string;
  repeatable?: boolean;
}

export const FLAGS: Flag[] = [
  { name: 'scenario', value: 'NAME', help: `scenario to build (${SCENARIOS.join(', ')})`, default: 'demo' },
  {
    name: 'scenario-file',
    value: 'PATH',
    help: 'Kubernetes manifests (file or directory) added as if POSTed; annotation sim.kubeatlas.io/problem: crashloop[:N] plants a problem',
    repeatable: true,
  },
  {
    name: 'scale',
    value: 'S|M|L|XL',
    help: `add generated teams up to a preset: ${Object.entries(SCALE_PRESETS)
      .map(([k, p]) => `${k}=${p.pods} pods/${p.nodes} nodes/${p.namespaces} namespaces`)
      .join(', ')}`,
  },
  { name: 'seed', value: 'N', help: 'seed of every generated name, uid and figure', default: '1' },
  { name: 'host', value: 'ADDR', help: 'address to listen on', default: '127.0.0.1' },
  { name: 'port', value: 'N', help: 'port to listen on (0 picks a free one; the URL is printed)', default: '16443' },
  { name: 'http', help: 'serve plain HTTP instead of HTTPS' },
  { name: 'kubeconfig-out', value: 'FILE', help: 'write a kubeconfig (server, CA data, bearer token of --user)' },
  { name: 'ca-out', value: 'FILE', help: 'write the CA certificate (PEM)' },
  { name: 'token-out', value: 'FILE', help: 'write the bearer token of --user' },
  {
    name: 'user',
    value: 'NAME',
    help: 'identity for --kubeconfig-out/--token-out, e.g. system:serviceaccount:kubeatlas:kubeatlas',
    default: ADMIN_USER,
  },
  {
    name: 'anonymous-user',
    value: 'NAME',
    help: 'treat requests without a token as this user instead of answering 401 (kubectl sends no token over --http)',
  },
  { name: 'tls-dir', value: 'DIR', help: 'keep the CA in DIR (ca.crt, ca.key) and reuse it on the next start' },
  {
    name: 'tls-san',
    value: 'NAME',
    help: `extra certificate name or IP (always: ${DEFAULT_SANS.join(', ')})`,
    repeatable: true,
  },
  {
    name: 'rbac',
    value: 'PATH',
    help: 'RBAC manifests (directory or file) to authorize requests with',
    default: 'deploy/kubernetes',
  },
  {
    name: 'tokens',
    value: 'FILE',
    help: 'token file (token,user,uid,"group1,group2"); default: an admin token and one per ServiceAccount in --rbac',
  },
  {
    name: 'worker-names',
    value: 'A,B,…',
    help: "names of the first worker nodes (e.g. the real machine's hostname, for node-exporter)",
  },
  {
    name: 'tick',
    value: 'SECONDS',
    help: 'time step: restarts grow, pods churn (0 = time stands still)',
    default: '10',
  },
  { name: 'churn', value: 'FRACTION', help: 'share of healthy ReplicaSet pods replaced per tick', default: '0.002' },
  {
    name: 'crashloop-period',
    value: 'SECONDS',
    help: 'seconds between restarts of a crash-looping container',
    default: '60',
  },
  { name: 'start-time', value: 'ISO', help: 'simulated start time (default: now)' },
  { name: 'frozen', help: 'freeze the clock at --start-time and disable ticks: every answer is deterministic' },
  {
    name: 'continue-ttl',
    value: 'SECONDS',
    help: 'lifetime of list continue tokens before 410 Expired',
    default: '300',
  },
  {
    name: 'bookmark-interval',
    value: 'SECONDS',
    help: 'period of BOOKMARK events on watches that allow them',
    default: '60',
  },
  { name: 'no-monitoring-crds', help: 'do not serve monitoring.coreos.com (ServiceMonitor, PodMonitor)' },
  {
    name: 'fault',
    value: 'TYPE[:k=v,…]',
    help: 'inject a fault, e.g. error:status=503,rate=0.5,path=^/api/v1/pods  latency:ms=500  error:status=429,retryAfter=2  forbidden:resource=nodes  reset  truncate  invalid-json  slow-headers:ms=5000  unauthorized (also PUT /__sim/faults)',
    repeatable: true,
  },
  ...METRICS_FLAGS, // metrics hook
  { name: 'help', help: 'show this help' },
];

export type ParsedFlags = Record<string, string | boolean | string[]>;

export function parseFlags(argv: string[]): ParsedFlags {
  const flags: ParsedFlags = {};
  for (const f of FLAGS) {
    if (f.default !== undefined) {
      flags[f.name] = f.default;
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const [rawName, inline] = argv[i].replace(/^--?/, '').split(/=(.*)/s);
    const flag = FLAGS.find((f) => f.name === rawName);
    if (!flag || !argv[i].startsWith('-')) {
      throw new Error(`unknown flag ${argv[i]} (see --help)`);
    }
    if (!flag.value) {
      flags[flag.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) {
      throw new Error(`--${flag.name} needs a value (${flag.value})`);
    }
    flags[flag.name] = flag.repeatable ? [...((flags[flag.name] as string[] | undefined) ?? []), value] : value;
  }
  return flags;
}

function usage(): string {
  const rows = FLAGS.map((f) => [
    `--${f.name}${f.value ? ` ${f.value}` : ''}`,
    `${f.help}${f.default !== undefined ? ` (default ${f.default})` : ''}${f.repeatable ? ' [repeatable]' : ''}`,
  ]);
  const width = Math.max(...rows.map(([a]) => a.length)) + 2;
  return `Usage: npm run sim -- [flags]\n\nA simulated Kubernetes cluster (API server) for KubeAtlas tests, demos and benchmarks.\n\n${rows.map(([a, b]) => `  ${a.padEnd(width)}${b}`).join('\n')}\n`;
}

function number(flags: ParsedFlags, name: string, min = 0): number {
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`--${name} must be a number ≥ ${min}, got "${flags[name]}"`);
  }
  return value;
}

export interface RunningSimulator {
  sim: Simulation;
  server: http.Server;
  url: string;
  token: string;
  caCert?: string;
  close(): Promise<void>;
}

/** Starts the simulator from parsed flags; the caller owns the returned server. */
export async function startSimulator(flags: ParsedFlags): Promise<RunningSimulator> {
  const scenario = String(flags.scenario) as ScenarioName;
  const scale = flags.scale ? (String(flags.scale).toUpperCase() as ScaleName) : undefined;
  const frozen = flags.frozen === true;
  const startTime = flags['start-time'] ? Date.parse(String(flags['start-time'])) : undefined;
  if (startTime !== undefined && Number.isNaN(startTime)) {
    throw new Error(`--start-time must be an ISO date, got "${flags['start-time']}"`);
  }
  const rbacPath = resolve(String(flags.rbac));
  let rbac: Rbac;
  if (existsSync(rbacPath)) {
    rbac = Rbac.load(rbacPath);
  } else if (flags.rbac === FLAGS.find((f) => f.name === 'rbac')!.default) {
    console.warn(`note: ${rbacPath} does not exist yet; only the admin token and the bootstrap policy apply`);
    rbac = new Rbac();
  } else {
    throw new Error(`--rbac ${rbacPath}: no such file or directory`);
  }
  const auth = flags.tokens
    ? TokenAuthenticator.fromFile(resolve(String(flags.tokens)))
    : TokenAuthenticator.defaults(rbac.serviceAccounts);
  const userName = String(flags.user);
  const token = auth.tokenOf(userName);
  if (!token) {
    throw new Error(`--user ${userName}: no token for this user (known: ${auth.userNames().join(', ')})`);
  }
  const faults = new Faults();
  faults.replace(((flags.fault as string[] | undefined) ?? []).map(parseFaultFlag));

  const sim = createCluster({
    scenario,
    seed: number(flags, 'seed'),
    scale,
    workerNames: metricsWorkerNames(flags), // metrics hook: --worker-names, else --node-exporter-node
    startTime,
    frozen,
    churn: number(flags, 'churn'),
    crashLoopPeriodSeconds: number(flags, 'crashloop-period', 1),
    monitoringCrds: flags['no-monitoring-crds'] !== true && scenario === 'demo',
  });
  const discovery = new Discovery(flags['no-monitoring-crds'] !== true && scenario === 'demo');
  for (const file of (flags['scenario-file'] as string[] | undefined) ?? []) {
    applyManifests(sim, discovery, resolve(file));
  }
  const tls = flags.http
    ? undefined
    : tlsMaterial(
        [...DEFAULT_SANS, ...((flags['tls-san'] as string[] | undefined) ?? [])],
        flags['tls-dir'] ? resolve(String(flags['tls-dir'])) : undefined
      );
  const server = createApiServer({
    sim,
    discovery,
    rbac,
    auth,
    faults,
    continueTtlSeconds: number(flags, 'continue-ttl'),
    bookmarkSeconds: number(flags, 'bookmark-interval', 1),
    tls,
    anonymous: flags['anonymous-user'] ? auth.userOf(String(flags['anonymous-user'])) : undefined,
  });
  const host = String(flags.host);
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(number(flags, 'port'), host, done);
  });
  const { port } = server.address() as AddressInfo;
  const metrics = await startMetricsFromFlags(sim, flags); // metrics hook
  const clientHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `${tls ? 'https' : 'http'}://${clientHost}:${port}`;
  if (!frozen) {
    sim.startTicking(number(flags, 'tick'));
  }
  if (flags['kubeconfig-out']) {
    writeFileSync(String(flags['kubeconfig-out']), kubeconfig(url, userName, token, tls?.caCert), { mode: 0o600 });
  }
  if (flags['ca-out'] && tls) {
    writeFileSync(String(flags['ca-out']), tls.caCert);
  }
  if (flags['token-out']) {
    writeFileSync(String(flags['token-out']), token, { mode: 0o600 });
  }
  return {
    sim,
    server,
    url,
    token,
    caCert: tls?.caCert,
    close: () =>
      new Promise((done) => {
        sim.stopTicking();
        void metrics?.close(); // metrics hook
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export function kubeconfig(server: string, user: string, token: string, caCert?: string): string {
  const ca = caCert ? `\n    certificate-authority-data: ${Buffer.from(caCert).toString('base64')}` : '';
  return `apiVersion: v1
kind: Config
clusters:
- name: kubeatlas-sim
  cluster:
    server: ${server}${ca}
contexts:
- name: kubeatlas-sim
  context:
    cluster: kubeatlas-sim
    user: ${JSON.stringify(user)}
    namespace: default
current-context: kubeatlas-sim
users:
- name: ${JSON.stringify(user)}
  user:
    token: ${token}
`;
}

async function main(): Promise<void> {
  let flags: ParsedFlags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(usage());
    return;
  }
  const started = Date.now();
  try {
    const running = await startSimulator(flags);
    const { sim } = running;
    console.log(
      `simulator listening on ${running.url} (scenario ${flags.scenario}${flags.scale ? `, scale ${flags.scale}` : ''}: ` +
        `${sim.store.count('pods')} pods, ${sim.store.count('nodes')} nodes, ${sim.store.count('namespaces')} namespaces; ready in ${Date.now() - started} ms)`
    );
    const shutdown = () => running.close().then(() => process.exit(0));
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(2);
  }
}

if (require.main === module) {
  main();
}

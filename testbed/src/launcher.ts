/**
 * Starts a real Kubernetes control plane on loopback: etcd, kube-apiserver (TLS with the testbed's CA, token
 * authentication, RBAC, service-account signing), kube-controller-manager (with the token controller that fills
 * long-lived ServiceAccount token Secrets), kube-scheduler and kwok (fake nodes and pod lifecycles, testbed/kwok/),
 * then creates a scenario and waits until it has settled.
 *
 *   const testbed = await startTestbed({ scenario: 'demo' });
 *   testbed.url; testbed.caCert; testbed.adminToken; testbed.kubeconfig(); await testbed.stop();
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { KubeApi } from './kubeApi';
import { makePki, serverNames } from './pki';
import { Component, loopbackPort, startComponent, stopComponents, waitUntil } from './processes';
import {
  applyManifests,
  loadScenario,
  Manifest,
  ScaleName,
  scaleManifests,
  scenarioNames,
  SCENARIOS_DIR,
} from './scenario';

const TESTBED_DIR = path.resolve(__dirname, '..');
const KWOK_DIR = path.join(TESTBED_DIR, 'kwok');

export interface TestbedOptions {
  /** A folder name under testbed/scenarios/, or a path to manifests. Default demo. */
  scenario?: string;
  scale?: ScaleName;
  /** kube-apiserver's port; default a free one. */
  port?: number;
  /** kube-apiserver --etcd-compaction-interval (e.g. '10s' to expire continue tokens in tests). Default 5m. */
  compactionInterval?: string;
  /** Where the binaries are; default: built (or found in the cache) by testbed/build.sh. */
  binDir?: string;
  /** Keeps the work folder (logs, PKI, etcd data) after stop(). */
  keepWorkDir?: boolean;
  /** Progress lines; default silent. */
  log?: (line: string) => void;
}

export interface Testbed {
  url: string;
  caCert: string;
  caCertPath: string;
  /** The CA's key, for test-ground servers that must be trusted like the apiserver (the fault proxy). */
  caKeyPath: string;
  adminToken: string;
  /** The admin kubeconfig, written in the work folder. */
  adminKubeconfigPath: string;
  workDir: string;
  logDir: string;
  api: KubeApi;
  /** An admin kubeconfig (server, CA, token), or one for another bearer token. */
  kubeconfig(token?: string, user?: string): string;
  /**
   * The CRI log file kwok serves as the current log of the pods of `namespace` (by default, of every pod without a
   * file of its own): a copy in the work folder, so a test may append lines and see them arrive on followed streams.
   */
  podLogsFile(namespace?: string): string;
  /** Runs kubectl (the machine's) against the testbed as admin; returns stdout. */
  kubectl(args: string[], input?: string): string;
  /**
   * Stops kube-apiserver (SIGTERM, as a rolling restart does), runs `whileDown`, then starts it again on the same port
   * with the same etcd and waits for /readyz. The other components reconnect by themselves.
   */
  restartApiserver(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the binaries or finds them in the cache (testbed/build.sh), streaming its progress to stderr. */
export function ensureBinaries(): string {
  const output = execFileSync('bash', [path.join(TESTBED_DIR, 'build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return output.toString().trim().split('\n').pop()!;
}

export function kubeconfigYaml(server: string, caCert: string, token: string, user = 'admin'): string {
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'testbed', cluster: { server, 'certificate-authority-data': Buffer.from(caCert).toString('base64') } },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'testbed', context: { cluster: 'testbed', user } }],
    'current-context': 'testbed',
  });
}

/** GET over HTTPS without verifying the peer: only for the components' self-signed health endpoints. */
function healthz(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(url, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

interface PodList {
  items: Manifest[];
}

/** The scenario has settled once every workload has its pods and kwok has played every scheduled pod. */
async function settled(api: KubeApi): Promise<string | undefined> {
  for (const kind of ['apps/v1/deployments', 'apps/v1/statefulsets', 'apps/v1/replicasets']) {
    const list = await api.get<PodList>(`/apis/${kind}`);
    const behind = list.items.find(
      (w) =>
        (w.status?.replicas ?? 0) < (w.spec.replicas ?? 1) ||
        (w.status?.observedGeneration ?? 0) < w.metadata.generation
    );
    if (behind) {
      return `${kind.split('/').pop()} ${behind.metadata.namespace}/${behind.metadata.name} has ${behind.status?.replicas ?? 0}/${behind.spec.replicas} pods`;
    }
  }
  const daemonSets = await api.get<PodList>('/apis/apps/v1/daemonsets');
  const daemonBehind = daemonSets.items.find(
    (d) => !d.status?.desiredNumberScheduled || d.status.currentNumberScheduled < d.status.desiredNumberScheduled
  );
  if (daemonBehind) {
    return `daemonset ${daemonBehind.metadata.namespace}/${daemonBehind.metadata.name} is not on every node yet`;
  }
  const pods = await api.get<PodList>('/api/v1/pods');
  const unplayed = pods.items.find((p) => p.spec.nodeName && !p.status?.containerStatuses);
  return unplayed
    ? `pod ${unplayed.metadata.namespace}/${unplayed.metadata.name} has no container status yet`
    : undefined;
}

export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const manifests = loadScenario(options.scenario ?? 'demo');
  if (options.scale) {
    manifests.push(...scaleManifests(options.scale, manifests));
  }
  const bin = options.binDir ?? ensureBinaries();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-testbed-'));
  const logDir = path.join(workDir, 'logs');
  fs.mkdirSync(logDir);
  const components: Component[] = [];
  const file = (name: string, content: string) => {
    fs.writeFileSync(path.join(workDir, name), content, { mode: 0o600 });
    return path.join(workDir, name);
  };
  let api: KubeApi | undefined;
  const stop = async () => {
    api?.close();
    await stopComponents(components);
    if (!options.keepWorkDir) {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  };

  try {
    const [apiPort, etcdPort, etcdPeerPort, kcmPort, schedulerPort, kwokPort] = [
      await loopbackPort(options.port ?? 0),
      await loopbackPort(),
      await loopbackPort(),
      await loopbackPort(),
      await loopbackPort(),
      await loopbackPort(),
    ];
    const pki = makePki(path.join(workDir, 'pki'), serverNames());
    const token = () => randomBytes(24).toString('hex');
    const tokens = { admin: token(), controllerManager: token(), scheduler: token(), kwok: token() };
    const tokenFile = file(
      'tokens.csv',
      [
        `${tokens.admin},admin,admin,"system:masters"`,
        `${tokens.controllerManager},system:kube-controller-manager,kube-controller-manager`,
        `${tokens.scheduler},system:kube-scheduler,kube-scheduler`,
        // kwok patches node and pod status, leases and events of every fake node.
        `${tokens.kwok},kwok-controller,kwok-controller,"system:masters"`,
      ].join('\n') + '\n'
    );
    const url = `https://127.0.0.1:${apiPort}`;
    const kubeconfigFile = (name: string, secret: string, user: string) =>
      file(`${name}.kubeconfig`, kubeconfigYaml(url, pki.caCert, secret, user));

    const etcd = startComponent(
      'etcd',
      path.join(bin, 'etcd'),
      [
        '--name=testbed',
        `--data-dir=${path.join(workDir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-cluster=testbed=http://127.0.0.1:${etcdPeerPort}`,
        // A test ground, thrown away after the run: fsync buys nothing here and costs seconds on shared disks.
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      logDir
    );
    components.push(etcd);
    await waitUntil('etcd', async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok, {
      timeoutMs: 30000,
      watch: [etcd],
    });
    log(`etcd ready on 127.0.0.1:${etcdPort}`);

    const startApiserver = () =>
      startComponent(
        'kube-apiserver',
        path.join(bin, 'kube-apiserver'),
        [
          `--etcd-servers=http://127.0.0.1:${etcdPort}`,
          '--bind-address=127.0.0.1',
          // Without it the apiserver looks for a default route, which these machines may not have.
          '--advertise-address=127.0.0.1',
          `--secure-port=${apiPort}`,
          `--tls-cert-file=${pki.serverCertPath}`,
          `--tls-private-key-file=${pki.serverKeyPath}`,
          `--client-ca-file=${pki.caCertPath}`,
          `--token-auth-file=${tokenFile}`,
          '--authorization-mode=RBAC',
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${pki.serviceAccountPubPath}`,
          `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
          '--service-cluster-ip-range=10.96.0.0/16',
          `--etcd-compaction-interval=${options.compactionInterval ?? '5m'}`,
          '--allow-privileged=true',
          // Fake nodes have no resolvable hostname: reach their "kubelet" (kwok) at the InternalIP.
          '--kubelet-preferred-address-types=InternalIP',
          '--profiling=false',
        ],
        logDir
      );
    let apiserver = startApiserver();
    components.push(apiserver);
    api = new KubeApi(url, tokens.admin, pki.caCert);
    const admin = api;
    const apiserverReady = () =>
      waitUntil('kube-apiserver /readyz', async () => (await admin.request('GET', '/readyz')).status === 200, {
        timeoutMs: 60000,
        watch: [etcd, apiserver],
      });
    await apiserverReady();
    log(`kube-apiserver ready on ${url} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    const controllerManager = startComponent(
      'kube-controller-manager',
      path.join(bin, 'kube-controller-manager'),
      [
        `--kubeconfig=${kubeconfigFile('controller-manager', tokens.controllerManager, 'system:kube-controller-manager')}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${kcmPort}`,
        '--leader-elect=false',
        // Each controller acts as its own ServiceAccount, as on kubeadm clusters.
        '--use-service-account-credentials=true',
        `--service-account-private-key-file=${pki.serviceAccountKeyPath}`,
        `--root-ca-file=${pki.caCertPath}`,
        '--controllers=*',
        '--kube-api-qps=500',
        '--kube-api-burst=1000',
        '--concurrent-deployment-syncs=20',
        '--concurrent-replicaset-syncs=20',
      ],
      logDir
    );
    const scheduler = startComponent(
      'kube-scheduler',
      path.join(bin, 'kube-scheduler'),
      [
        `--kubeconfig=${kubeconfigFile('scheduler', tokens.scheduler, 'system:kube-scheduler')}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${schedulerPort}`,
        '--leader-elect=false',
        '--kube-api-qps=500',
        '--kube-api-burst=1000',
      ],
      logDir
    );
    const podLogs = copyPodLogs(path.join(workDir, 'pod-logs'));
    const kwokConfig = file(
      'kwok.yaml',
      [fs.readFileSync(path.join(KWOK_DIR, 'stages.yaml'), 'utf8'), ...logsConfig(podLogs)].join('\n---\n')
    );
    const kwok = startComponent(
      'kwok',
      path.join(bin, 'kwok'),
      [
        `--kubeconfig=${kubeconfigFile('kwok', tokens.kwok, 'kwok-controller')}`,
        `--config=${kwokConfig}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        // The apiserver reaches a node's "kubelet" (kwok's server: pods/log) at the node's InternalIP and port.
        '--node-ip=127.0.0.1',
        `--node-port=${kwokPort}`,
        `--server-address=127.0.0.1:${kwokPort}`,
        '--cidr=10.244.0.0/16',
        // Renew each node's Lease every 10 s, as a kubelet does: the controller-manager reads the Lease, so the node's
        // status needs posting only when it changes (kwok/stages.yaml re-posts it every 4–5 min, a kubelet's 5).
        '--node-lease-duration-seconds=40',
      ],
      logDir
    );
    components.push(controllerManager, scheduler, kwok);
    const all = [etcd, apiserver, controllerManager, scheduler, kwok];
    await waitUntil('kube-controller-manager /healthz', () => healthz(`https://127.0.0.1:${kcmPort}/healthz`), {
      timeoutMs: 60000,
      watch: all,
    });
    await waitUntil('kube-scheduler /healthz', () => healthz(`https://127.0.0.1:${schedulerPort}/healthz`), {
      timeoutMs: 60000,
      watch: all,
    });
    // The ServiceAccount controller is up once the default namespace has its ServiceAccount.
    await waitUntil(
      'the default ServiceAccount',
      async () => (await admin.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
      {
        timeoutMs: 60000,
        watch: all,
      }
    );
    log(`controller-manager, scheduler and kwok running (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    await applyManifests(admin, manifests);
    log(`scenario created: ${manifests.length} objects (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    let waitingFor: string | undefined = 'first check';
    await waitUntil(
      'the scenario to settle',
      async () => {
        waitingFor = await settled(admin);
        return waitingFor === undefined;
      },
      { timeoutMs: options.scale === 'L' || options.scale === 'XL' ? 900000 : 180000, watch: all, intervalMs: 1000 }
    ).catch((error: Error) => {
      throw new Error(`${error.message}; still waiting for: ${waitingFor}`);
    });
    log(`scenario settled (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    const kubeconfig = (secret = tokens.admin, user = 'admin') => kubeconfigYaml(url, pki.caCert, secret, user);
    const adminKubeconfig = file('admin.kubeconfig', kubeconfig());
    return {
      url,
      caCert: pki.caCert,
      caCertPath: pki.caCertPath,
      caKeyPath: pki.caKeyPath,
      adminToken: tokens.admin,
      adminKubeconfigPath: adminKubeconfig,
      workDir,
      logDir,
      api: admin,
      kubeconfig,
      podLogsFile: (namespace) => (namespace && podLogs.namespaces[namespace]) || podLogs.current,
      kubectl: (args, input) =>
        execFileSync('kubectl', [`--kubeconfig=${adminKubeconfig}`, ...args], {
          input,
          stdio: ['pipe', 'pipe', 'pipe'],
        }).toString(),
      restartApiserver: async (whileDown) => {
        await stopComponents([apiserver]);
        try {
          await whileDown?.();
        } finally {
          // Started again even when whileDown fails, so that the tests after it find a cluster.
          const previous = components.indexOf(apiserver);
          apiserver = startApiserver();
          components[previous] = apiserver;
          await apiserverReady();
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface PodLogFiles {
  current: string;
  previous: string;
  /** Namespace → its current log (scenarios/<any>/pod-logs/<namespace>.cri). */
  namespaces: Record<string, string>;
}

/**
 * Copies the pod logs into the work folder: kwok/pod-logs/ for every pod, and each scenario's
 * pod-logs/<namespace>.cri for that namespace's pods. Every scenario's are configured, not only the started one's,
 * because kwok reads its configuration once and tests apply further scenarios later (the hostile corpus on the demo).
 */
function copyPodLogs(dir: string): PodLogFiles {
  fs.mkdirSync(dir);
  const copy = (from: string, name: string) => {
    fs.copyFileSync(from, path.join(dir, name));
    return path.join(dir, name);
  };
  const namespaces: Record<string, string> = {};
  for (const scenario of scenarioNames()) {
    const logs = path.join(SCENARIOS_DIR, scenario, 'pod-logs');
    for (const name of fs.existsSync(logs) ? fs.readdirSync(logs).filter((f) => f.endsWith('.cri')) : []) {
      namespaces[name.replace(/\.cri$/, '')] = copy(path.join(logs, name), `namespace-${name}`);
    }
  }
  const defaults = path.join(KWOK_DIR, 'pod-logs');
  return {
    current: copy(path.join(defaults, 'current.cri'), 'current.cri'),
    previous: copy(path.join(defaults, 'previous.cri'), 'previous.cri'),
    namespaces,
  };
}

/**
 * kwok's ClusterLogs: what `kubectl logs` (the apiserver's pods/log, proxied to kwok) reads, the first whose selector
 * matches the pod. A namespace's own log has no previous file, so `--previous` there is the apiserver's 400, as for a
 * container that never restarted.
 */
function logsConfig(files: PodLogFiles): string[] {
  const clusterLogs = (name: string, selector: object, log: object) =>
    yaml.dump({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterLogs',
      metadata: { name },
      spec: { selector, logs: [{ ...log, follow: true }] },
    });
  return [
    ...Object.entries(files.namespaces).map(([namespace, logsFile]) =>
      clusterLogs(`testbed-logs-${namespace}`, { matchNamespaces: [namespace] }, { logsFile })
    ),
    clusterLogs('testbed-logs', {}, { logsFile: files.current, previousLogsFile: files.previous }),
  ];
}

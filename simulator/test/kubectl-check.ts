/**
 * CI check: kubectl (every kubectl on the machine, old and new) and @kubernetes/client-node work unchanged against the
 * simulator through the kubeconfig it writes. Starts its own simulator on a free port; prints one line per check.
 *   npx tsx simulator/test/kubectl-check.ts
 */
import { spawn, execFile, ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
import { DEFAULT_ADMIN_TOKEN, defaultServiceAccountToken } from '../src/server/auth';

const run = promisify(execFile);
const KUBECTLS = ['/usr/bin/kubectl', '/opt/debian-kubectl/usr/bin/kubectl'];
const root = join(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'kubeatlas-kubectl-check-'));
const kubeconfig = join(work, 'kubeconfig.yaml');
/** The same kubeconfig with the token of the app's ServiceAccount (deploy/kubernetes). */
const appKubeconfig = join(work, 'kubeconfig-kubeatlas.yaml');
let simulator: ChildProcess | undefined;
let failures = 0;

async function startSimulator(): Promise<void> {
  simulator = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'simulator/src/main.ts',
      '--port',
      '0',
      '--kubeconfig-out',
      kubeconfig,
      '--tick',
      '0',
      '--churn',
      '0',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    }
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    simulator!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) {
        console.log(output.trim());
        resolve();
      }
    });
    simulator!.on('exit', (code) => reject(new Error(`simulator exited with ${code} before listening`)));
  });
}

async function kubectl(binary: string, ...args: string[]): Promise<string> {
  return kubectlAs(kubeconfig, binary, ...args);
}

async function kubectlAs(config: string, binary: string, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await run(binary, args, {
    env: { ...process.env, KUBECONFIG: config },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout + stderr;
}

async function check(name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await body();
    console.log(`  ok    ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failures++;
    console.log(`  FAIL  ${name}: ${(error as Error).message}`);
  }
}

function expectThat(condition: boolean, message: string, output = ''): void {
  if (!condition) {
    throw new Error(`${message}${output ? `\n--- output ---\n${output.slice(0, 3000)}` : ''}`);
  }
}

const rows = (text: string) => text.trim().split('\n').slice(1);

async function checkKubectl(binary: string, replicas: number): Promise<void> {
  const version = (await kubectl(binary, 'version', '--client')).split('\n')[0];
  console.log(`\n${binary}: ${version}`);
  let crashing = '';
  let podCount = 0;
  await check('get pods -A shows every pod and the planted problems', async () => {
    const out = await kubectl(binary, 'get', 'pods', '-A');
    for (const status of ['Running', 'CrashLoopBackOff', 'ImagePullBackOff', 'Pending', 'Error', 'Completed']) {
      expectThat(out.includes(status), `no ${status} pod`, out);
    }
    crashing = rows(out)
      .find((r) => r.includes('CrashLoopBackOff'))!
      .split(/\s+/)[1];
    podCount = rows(out).length;
    expectThat(podCount >= 70, `only ${podCount} pods`, out);
  });
  await check('get deploy,sts,ds -A -o wide', async () => {
    const out = await kubectl(binary, 'get', 'deploy,sts,ds', '-A', '-o', 'wide');
    for (const text of [
      'deployment.apps/frontend',
      'statefulset.apps/kafka',
      'daemonset.apps/kube-proxy',
      'SELECTOR',
      'IMAGES',
    ]) {
      expectThat(out.includes(text), `missing ${text}`, out);
    }
  });
  await check('get nodes shows the NotReady node', async () => {
    const out = await kubectl(binary, 'get', 'nodes');
    expectThat(
      rows(out).length === 5 && out.includes('NotReady') && out.includes('control-plane'),
      'unexpected nodes',
      out
    );
  });
  await check('describe pod <crash-looping pod> shows its state and events', async () => {
    const out = await kubectl(binary, 'describe', 'pod', '-n', 'shop', crashing);
    for (const text of [
      'CrashLoopBackOff',
      'OOMKilled',
      'Events:',
      'BackOff',
      'Back-off restarting failed container',
    ]) {
      expectThat(out.includes(text), `missing ${text}`, out);
    }
  });
  await check('logs and logs --previous --tail', async () => {
    const out = await kubectl(binary, 'logs', '-n', 'shop', crashing, '--previous', '--tail', '3');
    expectThat(out.trim().split('\n').length === 3 && out.includes('out of memory'), 'unexpected logs', out);
  });
  await check(`scale deployment hello --replicas=${replicas}`, async () => {
    const out = await kubectl(binary, 'scale', 'deployment', 'hello', '-n', 'default', `--replicas=${replicas}`);
    expectThat(out.includes('scaled'), 'not scaled', out);
    const deploy = await kubectl(binary, 'get', 'deployment', 'hello', '-n', 'default');
    expectThat(deploy.includes(`${replicas}/${replicas}`), 'replicas not ready', deploy);
  });
  await check('delete pod, then its ReplicaSet makes a replacement', async () => {
    const before = rows(await kubectl(binary, 'get', 'pods', '-n', 'default', '-l', 'app=hello')).map(
      (r) => r.split(/\s+/)[0]
    );
    const out = await kubectl(binary, 'delete', 'pod', '-n', 'default', before[0]);
    expectThat(out.includes('deleted'), 'not deleted', out);
    const after = rows(await kubectl(binary, 'get', 'pods', '-n', 'default', '-l', 'app=hello')).map(
      (r) => r.split(/\s+/)[0]
    );
    expectThat(after.length === before.length && !after.includes(before[0]), `before ${before} after ${after}`);
  });
  await check('get pods -A --chunk-size=10 pages through the list', async () => {
    podCount = rows(await kubectl(binary, 'get', 'pods', '-A')).length;
    const out = await kubectl(binary, 'get', 'pods', '-A', '--chunk-size=10', '-v=6');
    const pages = out.split('\n').filter((l) => /GET https:\/\/\S+\/api\/v1\/pods\?(\S*&)?limit=10/.test(l)).length;
    const pods = out.split('\n').filter((l) => /^\S+\s+\S+\s+\d+\/\d+\s/.test(l)).length;
    expectThat(pages === Math.ceil(podCount / 10), `${pages} page requests for ${podCount} pods`, out);
    expectThat(pods === podCount, `${pods} pods printed, expected ${podCount}`, out);
  });
  await check('auth can-i as the kubeatlas ServiceAccount follows deploy/kubernetes', async () => {
    // `auth can-i` answers "no" with exit code 1.
    const canI = async (...args: string[]) => {
      const env = { ...process.env, KUBECONFIG: appKubeconfig };
      const result = await run(binary, ['auth', 'can-i', ...args], { env }).catch((error: { stdout: string }) => error);
      return result.stdout.trim();
    };
    const answers = [
      await canI('list', 'pods', '-A'),
      await canI('patch', 'deployments/scale', '-n', 'shop'),
      await canI('list', 'nodes'),
      await canI('delete', 'nodes/x'),
    ];
    expectThat(answers.join() === 'yes,yes,yes,no', `answers ${answers.join()}`);
    const denied = await kubectlAs(appKubeconfig, binary, 'delete', 'node', 'sim-worker-1').catch(
      (error: { stderr: string }) => error.stderr
    );
    expectThat(
      denied.includes(
        'nodes "sim-worker-1" is forbidden: User "system:serviceaccount:kubeatlas:kubeatlas" cannot delete resource "nodes"'
      ),
      'no RBAC denial',
      denied
    );
  });
  await check('get pods -w sees a change', async () => {
    const watcher = spawn(binary, ['get', 'pods', '-n', 'payments', '-w'], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
    let output = '';
    watcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(() => output.includes('ledger'), 10000);
      const victim = rows(output)
        .find((r) => r.startsWith('ledger'))!
        .split(/\s+/)[0];
      const initialLines = output.trim().split('\n').length;
      await kubectl(binary, 'delete', 'pod', '-n', 'payments', victim, '--wait=false');
      await waitFor(() => output.trim().split('\n').length > initialLines + 1, 10000);
      expectThat(
        output
          .split('\n')
          .slice(initialLines)
          .some((l) => l.startsWith('ledger')),
        'no ledger change seen',
        output
      );
    } finally {
      watcher.kill();
    }
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function checkClientNode(): Promise<void> {
  console.log('\n@kubernetes/client-node');
  await check('listPodForAllNamespaces pages with limit/continue', async () => {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    const api = config.makeApiClient(CoreV1Api);
    const all = await api.listPodForAllNamespaces();
    const names: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await api.listPodForAllNamespaces({ limit: 15, _continue: next });
      names.push(...page.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`));
      next = page.metadata?._continue;
      pages++;
    } while (next);
    expectThat(pages === Math.ceil(all.items.length / 15), `${pages} pages for ${all.items.length} pods`);
    expectThat(
      names.join() === all.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`).join(),
      'paged names differ from the full list'
    );
  });
}

async function main(): Promise<void> {
  const missing = KUBECTLS.filter((k) => !existsSync(k));
  if (missing.length) {
    throw new Error(`kubectl not found at ${missing.join(', ')}: run scripts/install-system-deps.sh`);
  }
  await startSimulator();
  const appToken = defaultServiceAccountToken({ namespace: 'kubeatlas', name: 'kubeatlas' });
  writeFileSync(appKubeconfig, readFileSync(kubeconfig, 'utf8').replace(DEFAULT_ADMIN_TOKEN, appToken));
  let replicas = 4;
  for (const binary of KUBECTLS) {
    await checkKubectl(binary, replicas++);
  }
  await checkClientNode();
}

main()
  .catch((error) => {
    failures++;
    console.error(`error: ${(error as Error).message}`);
  })
  .finally(() => {
    simulator?.kill();
    rmSync(work, { recursive: true, force: true });
    console.log(failures ? `\n${failures} check(s) failed` : '\nall kubectl and client-node checks passed');
    process.exit(failures ? 1 : 0);
  });

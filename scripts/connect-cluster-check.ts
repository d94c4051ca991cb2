/**
 * Checks the README's "Connect a cluster" on a real control plane (testbed/): runs the section's commands verbatim with
 * bash against a fresh cluster, provisions the datasource with what they printed, runs Save & test through the
 * sandbox's emulation of Grafana's datasource proxy, and checks that writes work with kubeatlas-operator.yaml and are
 * refused by the cluster, naming the missing rule, with kubeatlas-reader.yaml alone.
 *
 *   npx tsx scripts/connect-cluster-check.ts [--readme FILE]     (default: README.md at the repo root)
 *
 * Prints each check with its duration; exits 1 with the failing check and its cause.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { direct, throughProxy, type Cluster, type Transport } from '../integration/k8s/harness';
import { loadProvisioning } from '../sandbox/server/provisioning';
import { formatStep, type HealthStep } from '../src/datasource/health';
import { runHealthCheck } from '../src/datasource/healthCheck';
import type { KubernetesDataSourceOptions } from '../src/datasource/types';
import { K8sError } from '../src/k8s/errors';
import { startTestbed, type Testbed } from '../testbed/src/launcher';
import { waitUntil } from '../testbed/src/processes';

const REPO = path.resolve(__dirname, '..');
const SECTION = '## Connect a cluster';
/** uid of the cluster datasource in provisioning/datasources/kubeatlas.yaml. */
const DATASOURCE_UID = 'kubeatlas-demo';
const SERVICE_ACCOUNT = 'system:serviceaccount:kubeatlas:kubeatlas';
/** Save & test's lines about the cluster; the Prometheus lines are not part of this check. */
const KUBERNETES_STEPS = ['Kubernetes API', 'TLS', 'Token', 'Permissions', 'API groups'];

/** One shell command of the README block, with the README line it starts on. */
interface ReadmeCommand {
  line: number;
  text: string;
}

/** The commands of the first ```bash block after the "Connect a cluster" heading (comment-only lines skipped). */
function connectCommands(readme: string, file: string): ReadmeCommand[] {
  const lines = readme.split('\n');
  const heading = lines.findIndex((l) => l.trim() === SECTION);
  if (heading < 0) {
    throw new Error(`${file} has no "${SECTION}" heading: the check reads its first bash block.`);
  }
  const open = lines.findIndex((l, i) => i > heading && (l.trim() === '```bash' || l.startsWith('## ')));
  if (open < 0 || lines[open].startsWith('## ')) {
    throw new Error(`${file}: no \`\`\`bash block under "${SECTION}" (line ${heading + 1}).`);
  }
  const close = lines.findIndex((l, i) => i > open && l.trim() === '```');
  if (close < 0) {
    throw new Error(`${file}: the bash block that opens on line ${open + 1} is never closed.`);
  }
  const commands: ReadmeCommand[] = [];
  let pending: ReadmeCommand | undefined;
  for (let i = open + 1; i < close; i++) {
    const text = lines[i];
    if (!pending && (text.trim() === '' || text.trim().startsWith('#'))) {
      continue;
    }
    pending = pending ? { ...pending, text: `${pending.text}\n${text}` } : { line: i + 1, text };
    if (!text.endsWith('\\')) {
      commands.push(pending);
      pending = undefined;
    }
  }
  return commands;
}

interface Ran extends ReadmeCommand {
  stdout: string;
  stderr: string;
}

/**
 * Runs each command in its own bash, as pasted at a prompt, with pipefail so that a failed kubectl before `| base64 -d`
 * is seen. Stops at the first failure, naming its README line.
 */
function runCommands(commands: ReadmeCommand[], kubeconfig: string, file: string): Ran[] {
  const ran: Ran[] = [];
  for (const command of commands) {
    const result = spawnSync('bash', ['-o', 'pipefail', '-c', command.text], {
      cwd: REPO,
      env: { ...process.env, KUBECONFIG: kubeconfig },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.error || result.status !== 0) {
      const why = result.error ? result.error.message : `exit code ${result.status}`;
      throw new Error(`${file}:${command.line} failed (${why}): ${command.text}\n${result.stderr.trim()}`);
    }
    ran.push({ ...command, stdout: result.stdout, stderr: result.stderr.trim() });
  }
  return ran;
}

/** The token, CA and URL the README's commands printed, each checked for its shape. */
function connectionFromOutputs(ran: Ran[], file: string): Cluster {
  const where = (r: Ran) => `${file}:${r.line} (${r.text.trim()})${r.stderr ? `, stderr: ${r.stderr}` : ''}`;
  const find = (what: string, test: RegExp) => {
    const found = ran.find((r) => test.test(r.text));
    if (!found) {
      throw new Error(`${file}: no command of the block reads the ${what} (expected one matching ${test}).`);
    }
    return found;
  };
  const tokenCommand = find('token', /\{\.data\.token\}.*\|\s*base64 -d/);
  const token = tokenCommand.stdout.trim();
  if (!token) {
    throw new Error(
      `${where(tokenCommand)} printed no token. The controller-manager's token controller fills the Secret a moment ` +
        'after kubeatlas-reader.yaml is applied: the block must apply it, then wait for the token (kubectl -n kubeatlas ' +
        "wait secret/kubeatlas-token --for=jsonpath='{.data.token}') before reading it."
    );
  }
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
    throw new Error(
      `${where(tokenCommand)} printed ${JSON.stringify(token.slice(0, 60))}, not a ServiceAccount token alone.`
    );
  }
  const caCommand = find('CA certificate', /ca\\?\.crt/);
  const caCert = caCommand.stdout;
  if (!caCert.trim().startsWith('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`${where(caCommand)} printed no PEM certificate: ${JSON.stringify(caCert.slice(0, 60))}`);
  }
  const urlCommand = ran[ran.length - 1];
  // Pasted as one block, a value printed without a line break runs into the next command's output.
  const unended = [tokenCommand, urlCommand].find((r) => !r.stdout.endsWith('\n'));
  if (unended) {
    throw new Error(
      `${where(unended)} prints its value without a line break: pasted as one block, the next command's output continues on its line (the token runs into -----BEGIN CERTIFICATE-----). Add \`; echo\`.`
    );
  }
  return { url: urlCommand.stdout.trim(), caCert, token };
}

/** What the cluster refused a write with: the client's ForbiddenError, or a failure naming what happened instead. */
async function refusal(what: string, write: () => Promise<unknown>): Promise<K8sError> {
  try {
    await write();
  } catch (error) {
    if (error instanceof K8sError && error.code === 'Forbidden' && error.status === 403) {
      return error;
    }
    throw new Error(`${what} failed, but not with the cluster's 403: ${(error as Error).message}`);
  }
  throw new Error(`${what} succeeded with kubeatlas-reader.yaml alone: the reader account may write.`);
}

function expectIncludes(what: string, text: string, parts: string[]): void {
  const missing = parts.filter((p) => !text.includes(p));
  if (missing.length) {
    throw new Error(
      `${what}: ${JSON.stringify(text)} does not include ${missing.map((m) => JSON.stringify(m)).join(', ')}`
    );
  }
}

let passed = 0;

async function check<T>(name: string, run: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  try {
    const value = await run();
    const ms = Date.now() - started;
    passed++;
    console.log(`ok    ${name} (${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`})`);
    return value;
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}

/** Save & test through the proxy, with the settings provisioning gives the datasource; no Prometheus here. */
async function saveAndTest(cluster: Cluster): Promise<HealthStep[]> {
  const env = {
    KUBEATLAS_PROMETHEUS_URL: 'http://127.0.0.1:9',
    KUBEATLAS_CLUSTER_URL: cluster.url,
    KUBEATLAS_TOKEN: cluster.token,
    KUBEATLAS_CA_CERT: cluster.caCert,
  };
  const provisioned = loadProvisioning(path.join(REPO, 'provisioning'), env).datasources;
  const datasource = provisioned.find((d) => d.uid === DATASOURCE_UID);
  if (!datasource) {
    throw new Error(`provisioning/datasources/ has no datasource with uid ${DATASOURCE_UID}.`);
  }
  const settings = datasource.jsonData as KubernetesDataSourceOptions;
  const prometheus = provisioned.find((d) => d.uid === settings.prometheusDatasourceUid);
  // Grafana's Save & test is run by whoever may edit the datasource: an Admin.
  const transport = await throughProxy(cluster, { role: 'Admin', env });
  try {
    return await runHealthCheck({
      client: transport.client().client,
      settings,
      prometheus: prometheus && { uid: prometheus.uid, name: prometheus.name },
      queryPrometheus: async () => {
        throw new Error('no Prometheus in this check');
      },
    });
  } finally {
    await transport.close();
  }
}

function assertKubernetesSteps(steps: HealthStep[], cluster: Cluster): void {
  const byTitle = new Map(steps.map((s) => [s.title, s]));
  const failed = KUBERNETES_STEPS.filter((title) => byTitle.get(title)?.status !== 'pass');
  if (failed.length) {
    throw new Error(`not passed: ${failed.join(', ')}\n${steps.map(formatStep).join('\n')}`);
  }
  expectIncludes('the version line', byTitle.get('Kubernetes API')!.detail, ['Reached Kubernetes v1.34.', cluster.url]);
}

/**
 * kube-apiserver checks a legacy token against its cached copy of the Secret, which may lag the token controller's
 * update by a moment; a user pasting the token into Grafana never sees that, so wait it out.
 */
async function untilTokenAuthenticates(cluster: Cluster): Promise<void> {
  const { client } = direct(cluster).client();
  await waitUntil(
    'the token to authenticate',
    async () => {
      try {
        await client.selfSubjectRulesReview('default');
        return true;
      } catch (error) {
        if (error instanceof K8sError && error.code === 'Unauthorized') {
          return false;
        }
        throw error;
      }
    },
    { timeoutMs: 30_000, watch: [] }
  );
}

/** The apiserver's RBAC cache has dropped the operator binding: `kubectl auth can-i` answers no. */
async function untilWriteDenied(testbed: Testbed, namespace: string): Promise<void> {
  await waitUntil(
    'RBAC to drop the operator binding',
    async () => {
      try {
        testbed.kubectl(['auth', 'can-i', 'patch', 'deployments.apps', '-n', namespace, `--as=${SERVICE_ACCOUNT}`]);
        return false;
      } catch (error) {
        return (error as { status?: number }).status === 1;
      }
    },
    { timeoutMs: 30_000, watch: [] }
  );
}

async function checkWrites(testbed: Testbed, cluster: Cluster): Promise<void> {
  let editor: Transport | undefined;
  try {
    editor = await throughProxy(cluster, { role: 'Editor' });
    const { client } = editor.client();
    const deployments = await client.list('Deployment');
    const target = deployments.items[0]?.metadata;
    const pods = await client.list('Pod', { namespace: target?.namespace });
    const pod = pods.items[0]?.metadata;
    if (!target?.name || !target.namespace || !pod?.name) {
      throw new Error('the demo scenario has no Deployment with pods to write to.');
    }
    const { name, namespace } = target;

    await check(
      `with kubeatlas-operator.yaml, an Editor's rollout restart of Deployment ${namespace}/${name} through the proxy`,
      async () => {
        const at = new Date();
        const patched = (await client.restart('Deployment', namespace, name, at)) as {
          spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
        };
        const stamp = patched.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
        if (stamp !== at.toISOString()) {
          throw new Error(`the patched Deployment's restartedAt is ${stamp}, expected ${at.toISOString()}`);
        }
      }
    );

    await check('delete ClusterRoleBinding kubeatlas-operator: kubeatlas-reader.yaml alone', async () => {
      testbed.kubectl(['delete', 'clusterrolebinding', 'kubeatlas-operator']);
      await untilWriteDenied(testbed, namespace);
    });

    await check(`the cluster refuses the Editor's restart of ${namespace}/${name} with the missing rule`, async () => {
      const error = await refusal('the restart', () => client.restart('Deployment', namespace, name));
      expectIncludes('the error', error.message, [
        `may not patch Deployment in namespace ${namespace}`,
        '{apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"]}',
      ]);
      console.log(`      ${error.message}`);
    });

    await check(
      `the cluster refuses the Editor's delete of pod ${namespace}/${pod.name} with the missing rule`,
      async () => {
        const error = await refusal('the pod delete', () => client.deletePod(namespace, pod.name!));
        expectIncludes('the error', error.message, [
          `may not delete Pod in namespace ${namespace}`,
          '{apiGroups: [""], resources: ["pods"], verbs: ["delete"]}',
        ]);
        console.log(`      ${error.message}`);
      }
    );
  } finally {
    await editor?.close();
  }
}

function readmeArgument(argv: string[]): string {
  const at = argv.indexOf('--readme');
  if (at < 0) {
    return path.join(REPO, 'README.md');
  }
  if (!argv[at + 1]) {
    throw new Error('--readme needs a file.');
  }
  return path.resolve(argv[at + 1]);
}

async function main(): Promise<void> {
  const started = Date.now();
  const readmeFile = readmeArgument(process.argv.slice(2));
  const inRepo = !path.relative(REPO, readmeFile).startsWith('..');
  const readmeName = inRepo ? path.relative(REPO, readmeFile) : readmeFile;
  const commands = connectCommands(fs.readFileSync(readmeFile, 'utf8'), readmeName);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-connect-check-'));
  let testbed: Testbed | undefined;
  try {
    testbed = await check('start the testbed (demo scenario)', () => startTestbed({ scenario: 'demo' }));
    const bed = testbed;
    const kubeconfig = path.join(tmp, 'admin.kubeconfig');
    fs.writeFileSync(kubeconfig, bed.kubeconfig(), { mode: 0o600 });

    const ran = await check(`run the ${commands.length} commands of ${readmeName} "${SECTION}" verbatim`, () =>
      runCommands(commands, kubeconfig, readmeName)
    );
    const cluster = await check('read the token, CA and cluster URL they printed', () => {
      const printed = connectionFromOutputs(ran, readmeName);
      if (printed.url !== bed.url) {
        throw new Error(`the last command printed ${JSON.stringify(printed.url)}, the cluster is at ${bed.url}`);
      }
      if (printed.caCert.trim() !== bed.caCert.trim()) {
        throw new Error("the printed CA is not the CA that signed kube-apiserver's certificate");
      }
      return printed;
    });
    await check('the token authenticates with kube-apiserver', () => untilTokenAuthenticates(cluster));

    const steps = await check(
      'Save & test of the datasource provisioned with them: every Kubernetes line passes',
      async () => {
        const result = await saveAndTest(cluster);
        assertKubernetesSteps(result, cluster);
        return result;
      }
    );
    for (const step of steps) {
      const note = KUBERNETES_STEPS.includes(step.title) ? '' : '  (no Prometheus in this check)';
      console.log(`      ${formatStep(step)}${note}`);
    }

    await checkWrites(bed, cluster);
  } finally {
    await testbed?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const total = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nconnect-cluster check passed: ${passed} checks in ${total} s`);
}

main().catch((error: Error) => {
  console.error(`\nconnect-cluster check FAILED: ${error.message}`);
  process.exit(1);
});

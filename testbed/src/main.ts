/**
 * `npm run testbed -- --scenario demo --kubeconfig-out FILE`: runs the real control plane in the foreground, writes
 * an admin kubeconfig once every component is ready and the scenario has settled, and stops everything on SIGINT or
 * SIGTERM. `--help` lists the flags.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { startTestbed } from './launcher';
import { SCALES, ScaleName, scenarioNames } from './scenario';

const HELP = `Usage: npm run testbed -- [flags]

  --scenario NAME|PATH     scenario folder under testbed/scenarios/ (${scenarioNames().join(', ')}) or a folder or
                           file of manifests (default demo)
  --scale S|M|L|XL         add generated namespaces, nodes and deployments up to ${Object.entries(SCALES)
    .map(([name, size]) => `${name} ${size.pods}`)
    .join(' / ')} pods
  --kubeconfig-out FILE    write an admin kubeconfig (server, CA, token) there once ready; removed on stop
  --port N                 kube-apiserver's port on 127.0.0.1 (default: a free one)
  --compaction-interval D  kube-apiserver --etcd-compaction-interval, e.g. 10s (default 5m)
  --keep                   keep the work folder (logs, PKI, etcd data) after stopping
  --help                   this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'demo' },
      scale: { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      port: { type: 'string' },
      'compaction-interval': { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const scale = values.scale?.toUpperCase();
  if (scale && !(scale in SCALES)) {
    throw new Error(`--scale ${values.scale}: pick one of ${Object.keys(SCALES).join(', ')}`);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new Error(`--port ${values.port}: expected a port number`);
  }
  const testbed = await startTestbed({
    scenario: values.scenario,
    scale: scale as ScaleName | undefined,
    port,
    compactionInterval: values['compaction-interval'],
    keepWorkDir: values.keep,
    log: (line) => process.stderr.write(`testbed: ${line}\n`),
  });
  const out = values['kubeconfig-out'];
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stderr.write(`testbed: ${signal}, stopping every component\n`);
    if (out) {
      fs.rmSync(out, { force: true });
    }
    await testbed.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (out) {
    fs.writeFileSync(out, testbed.kubeconfig(), { mode: 0o600 });
  }
  process.stderr.write(
    `testbed: ready at ${testbed.url}${out ? `; kubeconfig in ${out}` : ''}; logs in ${testbed.logDir}${values.keep ? '' : ' (removed on stop)'}\n`
  );
}

main().catch((error: Error) => {
  process.stderr.write(`testbed: ${error.message}\n`);
  process.exit(1);
});

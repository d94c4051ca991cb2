import { parseArgs } from 'node:util';
import type { OrgRole } from './dsProxy';
import { startSimulator, type RunningSimulator } from './processes';
import { startSandbox } from './sandbox';

/**
 * `npm run sandbox [-- --port 3000 --no-simulator --scenario demo --role Admin]`: starts the cluster simulator, exposes
 * its URL and credentials to provisioning as environment variables (see sandbox/README.md), and serves the sandbox.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    provisioning: { type: 'string' },
    dist: { type: 'string' },
    scenario: { type: 'string', default: 'demo' },
    'no-simulator': { type: 'boolean', default: false },
    role: { type: 'string', default: 'Admin' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run sandbox -- [--port 3000] [--provisioning provisioning/] [--dist dist/]
       [--scenario demo] [--no-simulator] [--role Viewer|Editor|Admin]`);
  process.exit(0);
}

async function main() {
  let simulator: RunningSimulator | undefined;
  const env = { ...process.env };
  if (!values['no-simulator']) {
    simulator = await startSimulator(values.scenario);
    env.KUBEATLAS_CLUSTER_URL ??= simulator.url;
    env.KUBEATLAS_TOKEN_FILE ??= simulator.tokenFile;
    env.KUBEATLAS_CA_FILE ??= simulator.caFile;
    env.KUBEATLAS_TOKEN ??= simulator.token;
    env.KUBEATLAS_CA_CERT ??= simulator.caCert;
    console.log(`simulator (${values.scenario}) on ${simulator.url}`);
  }
  const sandbox = await startSandbox({
    port: Number(values.port),
    distDir: values.dist,
    provisioningDir: values.provisioning,
    env,
    defaultRole: values.role as OrgRole,
  });
  console.log(`sandbox on ${sandbox.url} (shared modules: ${sandbox.shared.provided.join(', ')}; not available: ${sandbox.shared.missing.join(', ') || 'none'})`);
  const shutdown = async () => {
    await sandbox.stop();
    await simulator?.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

import { parseArgs } from 'node:util';
import type { OrgRole } from './dsProxy';
import { startStack, type Stack } from '../../testbed/src/stack';
import { provisioningEnv, startSandbox } from './sandbox';

/**
 * `npm run sandbox [-- --port 3000 --no-cluster --scenario demo --role Admin]`: starts the testbed (a real control
 * plane) with the metrics stand-in, a real Prometheus and node-exporter (testbed/src/stack.ts), hands their URLs and
 * the KubeAtlas service account's credentials to provisioning/ as the variables it reads, and serves the sandbox.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    provisioning: { type: 'string' },
    dist: { type: 'string' },
    scenario: { type: 'string', default: 'demo' },
    'no-cluster': { type: 'boolean', default: false },
    role: { type: 'string', default: 'Admin' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run sandbox -- [--port 3000] [--provisioning provisioning/] [--dist dist/]
       [--scenario demo] [--no-cluster] [--role Viewer|Editor|Admin]`);
  process.exit(0);
}

async function main() {
  let stack: Stack | undefined;
  let env: Record<string, string | undefined> = process.env;
  if (!values['no-cluster']) {
    stack = await startStack({
      scenario: values.scenario,
      scrapeIntervalSeconds: 15,
      log: (line) => console.log(`testbed: ${line}`),
    });
    env = { ...process.env, ...provisioningEnv(stack) };
    console.log(`testbed (${values.scenario}) on ${stack.apiUrl}, Prometheus on ${stack.prometheusUrl}`);
  }
  const sandbox = await startSandbox({
    port: Number(values.port),
    distDir: values.dist,
    provisioningDir: values.provisioning,
    env,
    defaultRole: values.role as OrgRole,
  });
  console.log(
    `sandbox on ${sandbox.url} (shared modules: ${sandbox.shared.provided.join(', ')}; not available: ${sandbox.shared.missing.join(', ') || 'none'})`
  );
  const shutdown = async () => {
    await sandbox.stop();
    await stack?.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

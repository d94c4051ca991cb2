/**
 * The e2e runner: `npm run e2e [-- <spec files…>] [-- --grep <text>] [-- --grafana 11.6|12.4|13.2]`. Runs every
 * e2e/*.e2e.ts (or the files given) in one headless Chromium, one test at a time, on the sandbox host of one Grafana
 * line (sandbox/server/grafanaLines.ts), prints one line per test and closes with "N passed, N failed".
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { grep: { type: 'string' }, grafana: { type: 'string' } },
  });
  if (values.grafana) {
    process.env.KUBEATLAS_GRAFANA_LINE = values.grafana;
  }
  // Imported once the line is chosen: the sandbox reads it when its modules load.
  const { Environment, registeredTests, setCurrentFile } = await import('./harness');
  const { grafanaVersion } = await import('../sandbox/server/grafanaLines');
  console.log(`Grafana ${grafanaVersion()} host (sandbox/hosts)`);
  const files = positionals.length
    ? positionals.map((file) => path.resolve(file))
    : fs
        .readdirSync(__dirname)
        .filter((name) => name.endsWith('.e2e.ts'))
        .sort()
        .map((name) => path.join(__dirname, name));
  for (const file of files) {
    setCurrentFile(file);
    await import(file);
  }
  const selected = registeredTests.filter((registered) => !values.grep || registered.name.includes(values.grep));
  const environment = new Environment();
  await environment.start();
  let passed = 0;
  let failed = 0;
  try {
    for (const registered of selected) {
      const started = Date.now();
      const label = `${path.basename(registered.file)} › ${registered.name}`;
      try {
        await environment.run(registered);
        passed++;
        console.log(`ok   ${label} (${Date.now() - started} ms)`);
      } catch (error) {
        failed++;
        console.log(
          `FAIL ${label} (${Date.now() - started} ms)\n     ${(error as Error).message.replace(/\n/g, '\n     ')}`
        );
      }
    }
  } finally {
    const leaks = await environment.stop();
    if (leaks.length > 0) {
      failed++;
      console.log(`FAIL the run's secret scan: the testbed token or a datasource secret in ${leaks.join('; ')}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && selected.length > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
);

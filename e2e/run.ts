/**
 * The e2e runner: `npm run e2e [-- <spec files…>] [-- --grep <text>]`. Runs every e2e/*.e2e.ts (or the files given)
 * in one headless Chromium, one test at a time, prints one line per test and closes with "N passed, N failed".
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Environment, registeredTests, setCurrentFile } from './harness';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { grep: { type: 'string' } } });
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
    await environment.stop();
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

// `npm run validate`: the plugin as Grafana's catalog would judge it. Run after `npm run build` and `npm run package`.
//   1. both plugin.json files (src/ and dist/) against Grafana's official schema and KubeAtlas's own rules, and the
//      modules the built entries ask Grafana for against the versions grafanaDependency admits;
//   2. @grafana/levitate: API compatibility with the newest Grafana 11.6.x and 13.x packages;
//   3. the package zip's layout;
//   4. Grafana's catalog validator (plugincheck2), where Go can build it.
// Every problem is printed as `file: [rule] message`; any problem fails the run.
import fs from 'fs';
import path from 'path';
import { formatFinding, type Finding } from './lib/finding';
import {
  CHECKED_PACKAGES,
  newestRelease,
  runLevitate,
  undocumentedExceptions,
  writeLevitateEntry,
} from './lib/levitate';
import { compileSchema, checkPluginTree } from './lib/plugin-json';
import { packageFileName } from './lib/plugin-meta';
import { runPlugincheck } from './lib/plugincheck';
import { checkSharedModules } from './lib/shared-modules';
import { checkZipLayout, readZip } from './lib/zip-layout';

const root = path.resolve(__dirname, '..');
const schemaFile = path.resolve(root, '..', 'shared', 'reference', 'plugin.schema.json');
const version: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const zipFile = path.join(root, packageFileName(version));
const failures: string[] = [];

function report(step: string, findings: Finding[]) {
  if (findings.length === 0) {
    console.log(`  ok: ${step}`);
    return;
  }
  findings.forEach((f) => console.error(`  ${formatFinding(f)}`));
  failures.push(step);
}

async function main() {
  console.log('1. plugin.json files');
  let validate;
  if (fs.existsSync(schemaFile)) {
    validate = compileSchema(schemaFile);
  } else {
    console.log(
      `  SKIPPED schema validation only: ${schemaFile} is absent (it ships beside the project's CI checkout)`
    );
  }
  report('src/ plugin.json files', checkPluginTree({ dir: path.join(root, 'src'), validate }));
  report(
    'dist/ plugin.json files',
    checkPluginTree({ dir: path.join(root, 'dist'), validate, expectedVersion: version })
  );
  const grafanaDependency: string = JSON.parse(fs.readFileSync(path.join(root, 'src/plugin.json'), 'utf8')).dependencies
    .grafanaDependency;
  report(
    `dist/ asks Grafana ${grafanaDependency} only for modules it shares`,
    checkSharedModules(path.join(root, 'dist'), grafanaDependency)
  );

  console.log('2. API compatibility (@grafana/levitate)');
  const entry = writeLevitateEntry(root);
  for (const line of ['11.6', '13']) {
    const targets = CHECKED_PACKAGES.map((p) => `${p}@${newestRelease(p, line)}`);
    const { ok, output } = runLevitate(root, entry, targets);
    if (ok) {
      console.log(`  ok: compatible with ${targets.join(', ')}`);
    } else {
      console.error(output);
      failures.push(`levitate ${line}`);
    }
  }
  const undocumented = undocumentedExceptions(root);
  report(
    '.levignore.js exceptions documented',
    undocumented.map((name) => ({
      file: '.levignore.js',
      rule: 'documented',
      message: `${name} is ignored but README.md does not explain how the code handles it`,
    }))
  );

  console.log('3. package layout');
  if (fs.existsSync(zipFile)) {
    report(path.basename(zipFile), checkZipLayout(path.basename(zipFile), await readZip(zipFile), version));
  } else {
    report(path.basename(zipFile), [
      { file: path.basename(zipFile), rule: 'exists', message: 'missing: run `npm run package` first' },
    ]);
  }

  console.log('4. Grafana catalog validator (plugincheck2)');
  const check = fs.existsSync(zipFile) ? runPlugincheck(root, zipFile) : undefined;
  if (check?.status === 'skipped') {
    console.log(`  SKIPPED this step only: ${check.reason}`);
  } else if (check?.status === 'failed') {
    console.error(check.output);
    failures.push('plugincheck2');
  } else if (check?.status === 'passed') {
    console.log(check.output);
  }

  if (failures.length > 0) {
    console.error(`\nvalidate FAILED: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log('\nvalidate passed');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});

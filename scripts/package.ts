// `npm run package`: zips the built dist/ as kubeatlas-kubernetes-app-<version>.zip by the catalog's rules, then
// checks the archive it wrote. Run `npm run build` first.
import fs from 'fs';
import path from 'path';
import { formatFinding } from './lib/finding';
import { packageFileName } from './lib/plugin-meta';
import { writePackage } from './lib/package-zip';
import { checkZipLayout, readZip } from './lib/zip-layout';

async function main() {
  const root = path.resolve(__dirname, '..');
  const dist = path.join(root, 'dist');
  if (!fs.existsSync(path.join(dist, 'plugin.json'))) {
    throw new Error('dist/plugin.json is missing: run `npm run build` before `npm run package`.');
  }
  const version: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const zipFile = path.join(root, packageFileName(version));
  const files = await writePackage(dist, zipFile);
  const findings = checkZipLayout(path.basename(zipFile), await readZip(zipFile), version);
  if (findings.length > 0) {
    findings.forEach((f) => console.error(formatFinding(f)));
    process.exit(1);
  }
  console.log(`wrote ${path.basename(zipFile)} (${files.length} files, ${fs.statSync(zipFile).size} bytes)`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

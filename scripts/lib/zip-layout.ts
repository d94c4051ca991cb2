import yauzl from 'yauzl';
import type { Finding } from './finding';
import { APP_ID, REQUIRED_PACKAGE_DIRS, REQUIRED_PACKAGE_FILES } from './plugin-meta';

/** Every file entry of a zip archive with its content (folders are implied by the paths). */
export function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) {
        return reject(openError);
      }
      const entries = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) {
          return zip.readEntry();
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) {
            return reject(streamError);
          }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** The catalog's rules for a plugin archive: one root folder named after the plugin id holding the built plugin. */
export function checkZipLayout(file: string, entries: Map<string, Buffer>, expectedVersion: string): Finding[] {
  const findings: Finding[] = [];
  const names = [...entries.keys()];
  const roots = new Set(names.map((n) => n.split('/')[0]));
  if (roots.size !== 1 || !roots.has(APP_ID)) {
    findings.push({
      file,
      rule: 'root folder',
      message: `must hold exactly one root folder named "${APP_ID}", found ${JSON.stringify([...roots].sort())}`,
    });
  }
  const inRoot = (n: string) => `${APP_ID}/${n}`;
  for (const required of REQUIRED_PACKAGE_FILES) {
    if (!entries.has(inRoot(required))) {
      findings.push({ file, rule: 'required file', message: `${inRoot(required)} is missing` });
    }
  }
  for (const dir of REQUIRED_PACKAGE_DIRS) {
    if (!names.some((n) => n.startsWith(inRoot(dir)))) {
      findings.push({ file, rule: 'required folder', message: `${inRoot(dir)} is missing or empty` });
    }
  }
  for (const forbidden of names.filter((n) => /(^|\/)(node_modules|src|\.git)\//.test(n))) {
    findings.push({ file, rule: 'no sources', message: `${forbidden} must not be packaged` });
  }
  for (const json of [inRoot('plugin.json'), inRoot('datasource/plugin.json')]) {
    const body = entries.get(json);
    if (body) {
      const version = JSON.parse(body.toString('utf8')).info?.version;
      if (version !== expectedVersion) {
        findings.push({
          file,
          rule: 'version',
          message: `${json} says version ${JSON.stringify(version)}, package.json says ${expectedVersion}`,
        });
      }
    }
  }
  return findings;
}

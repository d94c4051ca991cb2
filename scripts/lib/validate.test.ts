/**
 * @jest-environment node
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { checkPluginTree, compileSchema } from './plugin-json';
import { writePackage } from './package-zip';
import { checkZipLayout, readZip } from './zip-layout';
import yazl from 'yazl';

const root = path.resolve(__dirname, '..', '..');
const schemaFile = path.resolve(root, '..', 'shared', 'reference', 'plugin.schema.json');
const hasSchema = fs.existsSync(schemaFile);

function copyPluginTree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-validate-'));
  fs.mkdirSync(path.join(dir, 'datasource'));
  fs.copyFileSync(path.join(root, 'src', 'plugin.json'), path.join(dir, 'plugin.json'));
  fs.copyFileSync(path.join(root, 'src', 'datasource', 'plugin.json'), path.join(dir, 'datasource', 'plugin.json'));
  return dir;
}

function editJson(file: string, edit: (json: any) => void) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

describe('plugin.json checks', () => {
  const validate = hasSchema ? compileSchema(schemaFile) : undefined;

  it('accepts the project’s own plugin.json files', () => {
    expect(checkPluginTree({ dir: path.join(root, 'src'), validate })).toEqual([]);
  });

  it('names the file and the rule for a file that is not JSON', () => {
    const dir = copyPluginTree();
    fs.writeFileSync(path.join(dir, 'plugin.json'), '{"type": "app",');
    const [finding] = checkPluginTree({ dir, validate });
    expect(finding).toMatchObject({ file: path.join(dir, 'plugin.json'), rule: 'json' });
  });

  (hasSchema ? it : it.skip)('reports Grafana schema violations with the schema path', () => {
    const dir = copyPluginTree();
    editJson(path.join(dir, 'datasource', 'plugin.json'), (j) => delete j.info);
    const findings = checkPluginTree({ dir, validate });
    expect(findings).toContainEqual(
      expect.objectContaining({ file: path.join(dir, 'datasource', 'plugin.json'), rule: 'schema #/required' })
    );
  });

  it('fails when the nested datasource is missing', () => {
    const dir = copyPluginTree();
    fs.rmSync(path.join(dir, 'datasource', 'plugin.json'));
    expect(checkPluginTree({ dir, validate })).toContainEqual({
      file: path.join(dir, 'datasource', 'plugin.json'),
      rule: 'exists',
      message: 'file is missing',
    });
  });

  it('fails on a wrong id, a missing include and an old grafanaDependency', () => {
    const dir = copyPluginTree();
    editJson(path.join(dir, 'plugin.json'), (j) => {
      j.id = 'kubeatlas-other-app';
      j.includes = j.includes.filter((i: any) => i.type !== 'datasource');
      j.dependencies.grafanaDependency = '>=10.0.0';
    });
    const rules = checkPluginTree({ dir, validate }).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['id', 'includes', 'dependencies.grafanaDependency']));
  });

  it('requires built copies to carry package.json’s version', () => {
    const dir = copyPluginTree();
    expect(checkPluginTree({ dir, expectedVersion: '9.9.9' })).toContainEqual(
      expect.objectContaining({ rule: 'info.version', file: path.join(dir, 'plugin.json') })
    );
  });
});

describe('package zip layout', () => {
  function fakeDist(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-dist-'));
    const files = ['README.md', 'LICENSE', 'CHANGELOG.md', 'module.js', 'module.js.map', 'img/logo.svg'];
    for (const f of [...files, 'datasource/module.js', 'datasource/module.js.map']) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), f);
    }
    const version = { info: { version: '1.2.3' } };
    fs.writeFileSync(path.join(dir, 'plugin.json'), JSON.stringify(version));
    fs.writeFileSync(path.join(dir, 'datasource', 'plugin.json'), JSON.stringify(version));
    return dir;
  }

  it('writes one root folder named after the app id, which the layout check accepts', async () => {
    const zipFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-zip-')), 'p.zip');
    await writePackage(fakeDist(), zipFile);
    const entries = await readZip(zipFile);
    expect(entries.get('kubeatlas-kubernetes-app/datasource/module.js')?.toString()).toBe('datasource/module.js');
    expect(checkZipLayout('p.zip', entries, '1.2.3')).toEqual([]);
    expect(checkZipLayout('p.zip', entries, '2.0.0').map((f) => f.rule)).toEqual(['version', 'version']);
  });

  it('rejects a zip whose root folder is not the plugin id, naming the rule', async () => {
    const dist = fakeDist();
    const zip = new yazl.ZipFile();
    for (const f of fs.readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
      if (fs.statSync(path.join(dist, f)).isFile()) {
        zip.addFile(path.join(dist, f), `wrong-root/${f}`);
      }
    }
    zip.end();
    const zipFile = path.join(dist, '..', `bad-${path.basename(dist)}.zip`);
    await new Promise<void>((resolve) =>
      zip.outputStream.pipe(fs.createWriteStream(zipFile)).on('close', () => resolve())
    );
    const findings = checkZipLayout('bad.zip', await readZip(zipFile), '1.2.3');
    expect(findings[0]).toMatchObject({ file: 'bad.zip', rule: 'root folder' });
    expect(findings.filter((f) => f.rule === 'required file')).toHaveLength(9);
  });
});

import fs from 'fs';
import path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Finding } from './finding';
import { APP_ID, DATASOURCE_ID, MIN_GRAFANA, NESTED_DATASOURCE_PATH } from './plugin-meta';

type Json = Record<string, any>;

export function compileSchema(schemaFile: string): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  // Grafana's schema is draft-07 (ajv 8's default dialect); strict mode would reject its descriptive keywords.
  // Its patterns escape '-' (\-), which is an error in the unicode regex mode ajv uses by default.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function readJson(file: string, findings: Finding[]): Json | undefined {
  if (!fs.existsSync(file)) {
    findings.push({ file, rule: 'exists', message: 'file is missing' });
    return undefined;
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    findings.push({ file, rule: 'json', message: `not valid JSON: ${(e as Error).message}` });
    return undefined;
  }
}

function schemaFindings(file: string, json: Json, validate: ValidateFunction): Finding[] {
  if (validate(json)) {
    return [];
  }
  return (validate.errors ?? []).map((e) => ({
    file,
    rule: `schema ${e.schemaPath}`,
    message: `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`,
  }));
}

function minGrafanaFinding(file: string, json: Json): Finding[] {
  const range = json.dependencies?.grafanaDependency;
  if (range !== `>=${MIN_GRAFANA}`) {
    return [
      {
        file,
        rule: 'dependencies.grafanaDependency',
        message: `must be ">=${MIN_GRAFANA}" (the oldest Grafana KubeAtlas supports), found ${JSON.stringify(range)}`,
      },
    ];
  }
  return [];
}

export interface PluginTreeOptions {
  /** Folder holding plugin.json (src/ or dist/). */
  dir: string;
  validate?: ValidateFunction;
  /** For built copies: the version that must replace %VERSION%. */
  expectedVersion?: string;
}

/**
 * Checks the app's plugin.json and the nested datasource it includes: Grafana's schema, our ids, the include entry,
 * the nested file's presence, the minimum Grafana version and, for built copies, the substituted version.
 */
export function checkPluginTree({ dir, validate, expectedVersion }: PluginTreeOptions): Finding[] {
  const findings: Finding[] = [];
  const appFile = path.join(dir, 'plugin.json');
  const app = readJson(appFile, findings);
  if (!app) {
    return findings;
  }
  const nestedFile = path.join(dir, NESTED_DATASOURCE_PATH);
  const checkOne = (file: string, json: Json, type: string, id: string) => {
    if (validate) {
      findings.push(...schemaFindings(file, json, validate));
    }
    if (json.type !== type) {
      findings.push({ file, rule: 'type', message: `must be "${type}", found ${JSON.stringify(json.type)}` });
    }
    if (json.id !== id) {
      findings.push({ file, rule: 'id', message: `must be "${id}", found ${JSON.stringify(json.id)}` });
    }
    findings.push(...minGrafanaFinding(file, json));
    if (expectedVersion !== undefined && json.info?.version !== expectedVersion) {
      findings.push({
        file,
        rule: 'info.version',
        message: `must equal package.json's version ${expectedVersion}, found ${JSON.stringify(json.info?.version)}`,
      });
    }
  };
  checkOne(appFile, app, 'app', APP_ID);

  const includes: Json[] = Array.isArray(app.includes) ? app.includes : [];
  if (!includes.some((i) => i.type === 'datasource' && i.path === NESTED_DATASOURCE_PATH)) {
    findings.push({
      file: appFile,
      rule: 'includes',
      message: `must include {"type": "datasource", "path": "${NESTED_DATASOURCE_PATH}"} for the nested datasource`,
    });
  }
  const nested = readJson(nestedFile, findings);
  if (nested) {
    checkOne(nestedFile, nested, 'datasource', DATASOURCE_ID);
  }
  return findings;
}

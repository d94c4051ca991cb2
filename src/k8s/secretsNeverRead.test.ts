/**
 * @jest-environment node
 *
 * No secret leaves the cluster through KubeAtlas: the roles deploy/kubernetes/ grants never reach `secrets` (nor any
 * wildcard that would include them), no kind the app lists is a Secret, and no source file asks for one.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { KIND_NAMES, KINDS } from './kinds';

const REPO = path.resolve(__dirname, '../..');
const DEPLOY = path.join(REPO, 'deploy/kubernetes');

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
  verbs?: string[];
}

const manifests = fs.readdirSync(DEPLOY).filter((f) => /\.ya?ml$/.test(f));
const rules = manifests.flatMap((file) =>
  (yaml.loadAll(fs.readFileSync(path.join(DEPLOY, file), 'utf8')) as Array<{ kind?: string; rules?: Rule[] }>)
    .filter((doc) => doc?.kind === 'ClusterRole' || doc?.kind === 'Role')
    .flatMap((doc) => (doc.rules ?? []).map((rule) => ({ file, rule })))
);

/** Does this rule grant anything on core `secrets` (the resource, a subresource, or a wildcard)? */
function reachesSecrets(rule: Rule): boolean {
  const core = (rule.apiGroups ?? []).some((g) => g === '' || g === '*');
  return core && (rule.resources ?? []).some((r) => r === '*' || r === 'secrets' || r.startsWith('secrets/'));
}

/** Source files of the plugin (tests excluded: they may name secrets to check they are refused). */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sources(full);
    }
    return /\.(ts|tsx|json)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

test('the roles of deploy/kubernetes/ are read and never reach secrets', () => {
  expect(manifests).toEqual(expect.arrayContaining(['kubeatlas-reader.yaml', 'kubeatlas-operator.yaml']));
  expect(rules.length).toBeGreaterThan(5);
  expect(rules.filter(({ rule }) => reachesSecrets(rule))).toEqual([]);
  // A wildcard group with a wildcard resource would hide secrets behind another name; none is granted at all.
  expect(rules.filter(({ rule }) => rule.apiGroups?.includes('*') || rule.resources?.includes('*'))).toEqual([]);
});

test('the check itself sees a rule that would grant secrets', () => {
  expect(reachesSecrets({ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get'] })).toBe(true);
  expect(reachesSecrets({ apiGroups: ['*'], resources: ['*'], verbs: ['list'] })).toBe(true);
  expect(reachesSecrets({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] })).toBe(false);
});

test('no kind the app lists is a Secret, and no source file builds a secrets path', () => {
  expect(KIND_NAMES.map((k) => KINDS[k].plural)).not.toContain('secrets');
  const asking = sources(path.join(REPO, 'src')).filter((file) =>
    /['"`/]secrets(\/|\?|['"`])/.test(fs.readFileSync(file, 'utf8'))
  );
  expect(asking.map((f) => path.relative(REPO, f))).toEqual([]);
});

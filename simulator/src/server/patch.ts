/** PATCH semantics: JSON merge patch (RFC 7386), strategic merge patch (for the fields actions touch), JSON patch (RFC 6902). */
import { Json } from '../cluster/store';
import { errors } from './status';

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) {
    return patch;
  }
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = mergePatch(result[key], value);
    }
  }
  return result;
}

/**
 * List fields merged by key in strategic merge patch, from the `patchMergeKey` tags of k8s.io/api types
 * (containers and volumes by name, ports by containerPort, conditions by type, …). Other lists are replaced.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  env: 'name',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};
const PORT_KEYS: Record<string, string> = { ports: 'containerPort' };

export function strategicMergePatch(target: Json, patch: Json, fieldName = ''): Json {
  if (!isObject(patch)) {
    return patch;
  }
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') {
    return undefined;
  }
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) {
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      const mergeKey = MERGE_KEYS[key] ?? (fieldName === 'containers' ? PORT_KEYS[key] : undefined);
      result[key] = mergeKey && Array.isArray(result[key]) ? mergeList(result[key], value, mergeKey, key) : value;
    } else {
      const merged = strategicMergePatch(result[key], value, key);
      if (merged === undefined) {
        delete result[key];
      } else {
        result[key] = merged;
      }
    }
  }
  return result;
}

function mergeList(current: Json[], patch: Json[], mergeKey: string, fieldName: string): Json[] {
  const result = [...current];
  for (const item of patch) {
    if (!isObject(item) || item[mergeKey] === undefined) {
      throw errors.badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    }
    const index = result.findIndex((existing) => existing?.[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) {
        result.splice(index, 1);
      }
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item, fieldName);
    } else {
      result.push(strategicMergePatch({}, item, fieldName));
    }
  }
  return result;
}

function pointer(path: string): string[] {
  if (path === '') {
    return [];
  }
  if (!path.startsWith('/')) {
    throw errors.badRequest(`JSON pointer "${path}" must start with "/"`);
  }
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], op: string): [Json, string] {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    node = node?.[Array.isArray(node) ? Number(token) : token];
    if (node === undefined) {
      throw errors.internal(`${op} operation does not apply: doc is missing path: /${tokens.join('/')}`);
    }
  }
  return [node, tokens[tokens.length - 1]];
}

export function jsonPatch(document: Json, operations: Json): Json {
  if (!Array.isArray(operations)) {
    throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  let doc = structuredClone(document);
  for (const op of operations) {
    const tokens = pointer(op.path ?? '');
    const get = (path: string[]) => path.reduce((n: Json, t) => n?.[Array.isArray(n) ? Number(t) : t], doc);
    const put = (path: string[], value: Json, insert: boolean) => {
      if (!path.length) {
        doc = value;
        return;
      }
      const [parent, last] = parentOf(doc, path, op.op);
      if (Array.isArray(parent)) {
        const index = last === '-' ? parent.length : Number(last);
        parent.splice(index, insert ? 0 : 1, value);
      } else {
        parent[last] = value;
      }
    };
    const remove = (path: string[]) => {
      const [parent, last] = parentOf(doc, path, op.op);
      if (Array.isArray(parent)) {
        parent.splice(Number(last), 1);
      } else {
        if (!(last in parent)) {
          throw errors.internal(`remove operation does not apply: doc is missing path: ${op.path}`);
        }
        delete parent[last];
      }
    };
    switch (op.op) {
      case 'add':
        put(tokens, op.value, true);
        break;
      case 'replace':
        if (get(tokens) === undefined) {
          throw errors.internal(`replace operation does not apply: doc is missing key: ${op.path}`);
        }
        put(tokens, op.value, false);
        break;
      case 'remove':
        remove(tokens);
        break;
      case 'test':
        if (JSON.stringify(get(tokens)) !== JSON.stringify(op.value)) {
          throw errors.internal(`testing value ${op.path} failed: test failed`);
        }
        break;
      case 'move':
      case 'copy': {
        const from = pointer(op.from ?? '');
        const value = structuredClone(get(from));
        if (op.op === 'move') {
          remove(from);
        }
        put(tokens, value, true);
        break;
      }
      default:
        throw errors.badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

export const PATCH_TYPES = {
  'application/merge-patch+json': mergePatch,
  'application/strategic-merge-patch+json': strategicMergePatch,
  'application/json-patch+json': jsonPatch,
} as const;

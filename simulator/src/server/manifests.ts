/**
 * Scenario files: Kubernetes manifests (YAML or JSON, several documents per file, `kind: List` too) added to the
 * cluster as if each object were POSTed, so they get the same defaults, controllers and errors as API clients do.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { Simulation } from '../cluster/simulation';
import { Json } from '../cluster/store';
import { Discovery } from './discovery';
import { ApiError } from './status';
import { create } from './server';

/** Applies every manifest of a file or directory; throws naming the file, the document and the problem. */
export function applyManifests(sim: Simulation, discovery: Discovery, path: string): number {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  let count = 0;
  for (const file of files) {
    let documents: unknown[];
    try {
      documents = loadAll(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`scenario file ${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    documents.forEach((doc, index) => {
      const items: Json[] = doc && (doc as Json).kind === 'List' ? ((doc as Json).items ?? []) : doc ? [doc] : [];
      for (const item of items) {
        try {
          apply(sim, discovery, item);
          count++;
        } catch (error) {
          const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
          throw new Error(`scenario file ${file}: document ${index + 1}: ${message}`);
        }
      }
    });
  }
  return count;
}

function apply(sim: Simulation, discovery: Discovery, object: Json): void {
  if (typeof object !== 'object' || Array.isArray(object) || !object.apiVersion || !object.kind) {
    throw new Error('expected a Kubernetes object with apiVersion and kind');
  }
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const kind = discovery.kinds.find(
    (k) => k.group === group && k.version === version && k.kind === object.kind && !k.storedIn && !k.virtual
  );
  if (!kind) {
    throw new Error(`no kind ${object.kind} in ${object.apiVersion} is served by the simulator`);
  }
  create(
    sim,
    { kind, verb: 'create', namespace: kind.namespaced ? (object.metadata?.namespace ?? 'default') : undefined },
    object
  );
}

/**
 * Scenario files: Kubernetes manifests (YAML or JSON, several documents per file, `kind: List` too) added to the
 * cluster as if each object were POSTed, so they get the same defaults, controllers and errors as API clients do.
 */
import { Simulation } from '../cluster/simulation';
import { Json } from '../cluster/store';
import { Discovery } from './discovery';
import { create } from './server';
import { readYamlFiles } from './yaml-files';

/** Applies every manifest of a file or directory; throws naming the file, the document and the problem. */
export function applyManifests(sim: Simulation, discovery: Discovery, path: string): number {
  let count = 0;
  for (const { file, objects } of readYamlFiles(path, 'scenario file')) {
    for (const { document, object } of objects) {
      try {
        apply(sim, discovery, object);
        count++;
      } catch (error) {
        throw new Error(`scenario file ${file}: document ${document}: ${(error as Error).message}`);
      }
    }
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

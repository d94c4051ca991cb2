/** Parses an API path into what is being asked, like k8s.io/apiserver/pkg/endpoints/request.RequestInfoFactory. */
import { KindInfo } from '../cluster/kinds';
import { Discovery } from './discovery';
import { errors } from './status';

export interface ResourceRequest {
  kind: KindInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const VERBS: Record<string, [collection: string, item: string]> = {
  GET: ['list', 'get'],
  HEAD: ['list', 'get'],
  POST: ['create', 'create'],
  PUT: ['update', 'update'],
  PATCH: ['patch', 'patch'],
  DELETE: ['deletecollection', 'delete'],
};

/** Returns undefined for non-resource paths (discovery and health), throws 404 for unknown resources. */
export function parseResourceRequest(
  path: string,
  method: string,
  watchParam: boolean,
  discovery: Discovery
): ResourceRequest | undefined {
  const parts = path.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    rest = parts.slice(2);
  } else {
    return undefined;
  }
  const version = rest[0];
  let current = rest.slice(1);
  let legacyWatch = false;
  if (current[0] === 'watch') {
    legacyWatch = true;
    current = current.slice(1);
  }
  let namespace: string | undefined;
  if (current[0] === 'namespaces' && current.length > 1) {
    namespace = current[1];
    if (current.length > 2 && !NAMESPACE_SUBRESOURCES.has(current[2])) {
      current = current.slice(2);
    }
  }
  const [resource, name, subresource, ...extra] = current;
  const kind = resource ? discovery.find(group, version, resource) : undefined;
  if (!kind || extra.length) {
    throw errors.pathNotFound();
  }
  if (subresource && !kind.subresources?.some((s) => s.name === subresource)) {
    throw errors.pathNotFound();
  }
  if (kind.namespaced && !namespace && name) {
    throw errors.pathNotFound();
  }
  if (!kind.namespaced && resource !== 'namespaces' && namespace) {
    throw errors.pathNotFound();
  }
  const verbs = VERBS[method];
  if (!verbs) {
    throw errors.methodNotAllowed(method, resource);
  }
  let verb = name ? verbs[1] : verbs[0];
  // Objects of a namespaced kind are created (and deleted in bulk) only under their namespace's path.
  if (kind.namespaced && !namespace && (verb === 'create' || verb === 'deletecollection')) {
    throw errors.methodNotAllowed(method, resource);
  }
  if (legacyWatch || (watchParam && (verb === 'list' || verb === 'get'))) {
    verb = 'watch';
  }
  // For the namespaces resource, the "namespace" of /api/v1/namespaces/foo is the object itself.
  return {
    kind,
    namespace: kind.resource === 'namespaces' ? undefined : namespace,
    name: kind.resource === 'namespaces' ? namespace : name,
    subresource: kind.resource === 'namespaces' ? current[2] : subresource,
    verb,
  };
}

/**
 * What a Kubernetes API request is about, read from its method and URL alone the way kube-apiserver's
 * RequestInfoFactory reads it (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): no discovery needed, so the
 * proxy can match rules by resource in front of any apiserver.
 */
export interface RequestAttributes {
  verb: string;
  /** Resource requests name a resource; others (discovery, /version) a path. */
  resource?: string;
  subresource?: string;
  apiGroup?: string;
  namespace?: string;
  name?: string;
  path: string;
}

const NAMESPACE_SUBRESOURCES = ['status', 'finalize'];
const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export function requestAttributes(method: string, url: string): RequestAttributes {
  const { pathname, searchParams } = new URL(url, 'https://proxy.invalid');
  const path = pathname;
  const parts = path.split('/').filter(Boolean);
  let rest: string[];
  let apiGroup: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    apiGroup = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    apiGroup = parts[1];
    rest = parts.slice(3);
  } else {
    rest = [];
    apiGroup = '';
  }
  if (!rest.length) {
    return { verb: method === 'HEAD' ? 'get' : method.toLowerCase(), path };
  }
  // The deprecated /watch/ prefix: GET /api/v1/watch/pods is a watch of pods.
  let watch = ['1', 'true'].includes(searchParams.get('watch') ?? '');
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // /namespaces/<ns>/<resource>/… is namespaced; /namespaces/<name>[/status|/finalize] is the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1];
    if (rest.length >= 3 && !NAMESPACE_SUBRESOURCES.includes(rest[2])) {
      rest = rest.slice(2);
    }
  }
  const [resource, pathName, subresource] = rest;
  let name: string | undefined = pathName;
  let verb = VERBS[method] ?? 'get';
  if (method === 'GET' || method === 'HEAD') {
    verb = watch ? 'watch' : name ? 'get' : 'list';
  } else if (method === 'DELETE' && !name) {
    verb = 'deletecollection';
  }
  // A list or watch of one object by field selector is authorized (and denied) as that object.
  const fieldSelector = searchParams.getAll('fieldSelector');
  if ((verb === 'list' || verb === 'watch') && !name && fieldSelector.length === 1) {
    name = /^metadata\.name==?([^,]+)$/.exec(fieldSelector[0])?.[1];
  }
  return {
    verb,
    resource,
    apiGroup,
    path,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

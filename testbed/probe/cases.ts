/**
 * The requests the differential probe sends to both servers, in order: each is built from what earlier answers of
 * the same server taught it (pod names, a continue token, a Deployment's body), so both servers are asked the same
 * question about their own objects.
 */
import type { ProbeRequest, ProbeResponse } from './http';
import { parseJson } from './shape';

/** What one server's probe run knows: its tokens, its pods, and what earlier cases remembered. */
export interface ProbeState {
  readerToken: string;
  /** A running pod of shop/frontend (deleted by a write case). */
  frontendPod: string;
  /** The crash-looping pod of shop/checkout (has a previous container). */
  crashloopPod: string;
  /** The pod of payments/fraud-detector no node can take. */
  pendingPod: string;
  continueToken?: string;
  listResourceVersion?: string;
  cart?: Record<string, unknown>;
}

export interface ProbeCase {
  name: string;
  /** Section of the report. */
  group: string;
  request(state: ProbeState): ProbeRequest;
  remember?(response: ProbeResponse, state: ProbeState): void;
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const SCRATCH_NAMESPACE = 'probe-scratch';
const REVIEWS = '/apis/authorization.k8s.io/v1';

const get = (path: string, extra: Partial<ProbeRequest> = {}): ProbeRequest => ({ method: 'GET', path, ...extra });
/** A watch read for 2.5 s or 40 events, whichever comes first. */
const watch = (path: string): ProbeRequest => ({ method: 'GET', path, streamMs: 2500, maxEvents: 40 });

function accessReview(verb: string, resource: string, namespace?: string) {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { group: '', resource, verb, namespace } },
  };
}

const RULES_REVIEW = {
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectRulesReview',
  spec: { namespace: 'default' },
};

export const CASES: ProbeCase[] = [
  // Discovery
  { group: 'discovery', name: 'GET /version', request: () => get('/version') },
  { group: 'discovery', name: 'GET /api', request: () => get('/api') },
  { group: 'discovery', name: 'GET /api/v1', request: () => get('/api/v1') },
  { group: 'discovery', name: 'GET /apis', request: () => get('/apis') },
  { group: 'discovery', name: 'GET /apis/apps/v1', request: () => get('/apis/apps/v1') },
  {
    group: 'discovery',
    name: 'missing group /apis/monitoring.coreos.com/v1',
    request: () => get('/apis/monitoring.coreos.com/v1'),
  },
  {
    group: 'discovery',
    name: 'missing group, a list in it (admin)',
    request: () => get('/apis/monitoring.coreos.com/v1/servicemonitors'),
  },
  {
    group: 'discovery',
    name: 'missing group, a list in it (reader token)',
    request: (s) => get('/apis/monitoring.coreos.com/v1/servicemonitors', { token: s.readerToken }),
  },
  {
    group: 'discovery',
    name: 'unserved version of a served group (batch/v1beta1 cronjobs)',
    request: () => get('/apis/batch/v1beta1/cronjobs'),
  },
  { group: 'discovery', name: 'missing kind in apps/v1 (widgets)', request: () => get('/apis/apps/v1/widgets') },
  {
    group: 'discovery',
    name: 'missing object (pod)',
    request: () => get('/api/v1/namespaces/shop/pods/does-not-exist'),
  },

  // Lists
  {
    group: 'list',
    name: 'list pods limit=5',
    request: () => get('/api/v1/pods?limit=5'),
    remember: (response, state) => {
      const body = parseJson(response) as { metadata?: { continue?: string; resourceVersion?: string } };
      state.continueToken = body?.metadata?.continue;
      state.listResourceVersion = body?.metadata?.resourceVersion;
    },
  },
  {
    group: 'list',
    name: 'list pods limit=5, next page (continue)',
    request: (s) => get(`/api/v1/pods?limit=5&continue=${encodeURIComponent(s.continueToken ?? '')}`),
  },
  {
    group: 'list',
    name: 'list pods, garbage continue token',
    request: () => get('/api/v1/pods?limit=5&continue=garbage'),
  },
  {
    group: 'list',
    name: 'labelSelector app=frontend',
    request: () => get('/api/v1/namespaces/shop/pods?labelSelector=app%3Dfrontend'),
  },
  {
    group: 'list',
    name: 'labelSelector malformed "app in ("',
    request: () => get('/api/v1/pods?labelSelector=app%20in%20('),
  },
  {
    group: 'list',
    name: 'fieldSelector status.phase=Pending',
    request: () => get('/api/v1/pods?fieldSelector=status.phase%3DPending'),
  },
  {
    group: 'list',
    name: 'fieldSelector on an unsupported field',
    request: () => get('/api/v1/pods?fieldSelector=spec.schedulerName%3Dx'),
  },
  {
    group: 'list',
    name: 'Table: pods in shop',
    request: () => get('/api/v1/namespaces/shop/pods', { headers: { Accept: TABLE } }),
  },
  {
    group: 'list',
    name: 'Table: deployments',
    request: () => get('/apis/apps/v1/deployments', { headers: { Accept: TABLE } }),
  },
  {
    group: 'list',
    name: 'Table with JSON fallback in Accept',
    request: () => get('/api/v1/nodes', { headers: { Accept: `${TABLE}, application/json` } }),
  },

  // Watch
  {
    group: 'watch',
    name: 'watch pods in shop, bookmarks, no resourceVersion',
    request: () => watch('/api/v1/namespaces/shop/pods?watch=1&allowWatchBookmarks=true'),
  },
  {
    group: 'watch',
    name: 'watch pods from the list resourceVersion',
    request: (s) =>
      watch(`/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${s.listResourceVersion ?? ''}`),
  },
  {
    group: 'watch',
    name: 'watch sendInitialEvents (watch-list)',
    request: () =>
      watch(
        '/api/v1/namespaces/shop/pods?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan'
      ),
  },
  {
    group: 'watch',
    name: 'watch from resourceVersion=1 (too old once etcd compacted it)',
    request: () => watch('/api/v1/pods?watch=1&resourceVersion=1'),
  },

  // Authentication and authorization
  { group: 'auth', name: 'no token: GET /version', request: () => get('/version', { token: '' }) },
  { group: 'auth', name: 'no token: list pods', request: () => get('/api/v1/pods', { token: '' }) },
  {
    group: 'auth',
    name: 'no token: SelfSubjectRulesReview',
    request: () => ({ method: 'POST', path: `${REVIEWS}/selfsubjectrulesreviews`, token: '', body: RULES_REVIEW }),
  },
  {
    group: 'auth',
    name: 'empty bearer token ("Bearer ")',
    request: () => get('/api/v1/pods', { token: '', headers: { Authorization: 'Bearer ' } }),
  },
  { group: 'auth', name: 'bad token: list pods', request: () => get('/api/v1/pods', { token: 'not-a-real-token' }) },
  { group: 'auth', name: 'bad token: GET /version', request: () => get('/version', { token: 'not-a-real-token' }) },
  { group: 'auth', name: 'reader: list nodes', request: (s) => get('/api/v1/nodes?limit=1', { token: s.readerToken }) },
  {
    group: 'auth',
    name: 'reader: list secrets (forbidden)',
    request: (s) => get('/api/v1/secrets', { token: s.readerToken }),
  },
  {
    group: 'auth',
    name: 'reader: get a secret in a namespace (forbidden)',
    request: (s) => get('/api/v1/namespaces/shop/secrets/x', { token: s.readerToken }),
  },
  {
    group: 'auth',
    name: 'reader: PATCH deployments/scale (forbidden)',
    request: (s) => ({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/shop/deployments/frontend/scale',
      token: s.readerToken,
      body: { spec: { replicas: 2 } },
      contentType: 'application/merge-patch+json',
    }),
  },
  {
    group: 'auth',
    name: 'reader: GET /healthz (non-resource URL)',
    request: (s) => get('/healthz', { token: s.readerToken }),
  },
  {
    group: 'auth',
    name: 'reader: SelfSubjectAccessReview allowed (list pods)',
    request: (s) => ({
      method: 'POST',
      path: `${REVIEWS}/selfsubjectaccessreviews`,
      token: s.readerToken,
      body: accessReview('list', 'pods'),
    }),
  },
  {
    group: 'auth',
    name: 'reader: SelfSubjectAccessReview denied (delete pods in shop)',
    request: (s) => ({
      method: 'POST',
      path: `${REVIEWS}/selfsubjectaccessreviews`,
      token: s.readerToken,
      body: accessReview('delete', 'pods', 'shop'),
    }),
  },
  {
    group: 'auth',
    name: 'reader: SelfSubjectRulesReview',
    request: (s) => ({
      method: 'POST',
      path: `${REVIEWS}/selfsubjectrulesreviews`,
      token: s.readerToken,
      body: RULES_REVIEW,
    }),
  },

  // Logs
  {
    group: 'logs',
    name: 'pods/log tailLines=3',
    request: (s) => get(`/api/v1/namespaces/shop/pods/${s.crashloopPod}/log?tailLines=3`),
  },
  {
    group: 'logs',
    name: 'pods/log previous=true (crash-looping pod)',
    request: (s) => get(`/api/v1/namespaces/shop/pods/${s.crashloopPod}/log?previous=true&tailLines=3`),
  },
  {
    group: 'logs',
    name: 'pods/log previous=true (never restarted)',
    request: (s) => get(`/api/v1/namespaces/shop/pods/${s.frontendPod}/log?previous=true`),
  },
  {
    group: 'logs',
    name: 'pods/log of a Pending pod',
    request: (s) => get(`/api/v1/namespaces/payments/pods/${s.pendingPod}/log`),
  },
  {
    group: 'logs',
    name: 'pods/log container=nope',
    request: (s) => get(`/api/v1/namespaces/shop/pods/${s.frontendPod}/log?container=nope`),
  },

  // Writes
  {
    group: 'writes',
    name: 'DELETE a pod (before scaling: a scale-down may remove it)',
    request: (s) => ({ method: 'DELETE', path: `/api/v1/namespaces/shop/pods/${s.frontendPod}` }),
  },
  {
    group: 'writes',
    name: 'GET deployments/scale',
    request: () => get('/apis/apps/v1/namespaces/shop/deployments/frontend/scale'),
  },
  {
    group: 'writes',
    name: 'PATCH deployments/scale replicas=3 (merge)',
    request: () => ({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/shop/deployments/frontend/scale',
      body: { spec: { replicas: 3 } },
      contentType: 'application/merge-patch+json',
    }),
  },
  {
    group: 'writes',
    name: 'PATCH statefulsets/scale replicas=-1 (422)',
    request: () => ({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/shop/statefulsets/redis/scale',
      body: { spec: { replicas: -1 } },
      contentType: 'application/merge-patch+json',
    }),
  },
  {
    group: 'writes',
    name: 'PATCH rollout restart (merge, template annotation)',
    request: () => ({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/shop/deployments/cart',
      body: {
        spec: {
          template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } } },
        },
      },
      contentType: 'application/merge-patch+json',
    }),
    remember: (response, state) => {
      state.cart = parseJson(response) as Record<string, unknown>;
    },
  },
  {
    group: 'writes',
    name: 'PATCH with an unsupported patch type',
    request: () => ({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/shop/deployments/cart',
      body: { spec: {} },
      contentType: 'application/json',
    }),
  },
  {
    group: 'writes',
    name: 'PUT deployment with a stale resourceVersion (409)',
    request: (s) => {
      const metadata = { ...(s.cart?.metadata as Record<string, unknown>), resourceVersion: '1' };
      return {
        method: 'PUT',
        path: '/apis/apps/v1/namespaces/shop/deployments/cart',
        body: { ...s.cart, metadata },
      };
    },
  },
  {
    group: 'writes',
    name: 'POST a namespace that exists (409)',
    request: () => ({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    }),
  },
  {
    group: 'writes',
    name: 'POST a pod without containers (422)',
    request: () => ({
      method: 'POST',
      path: '/api/v1/namespaces/shop/pods',
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe-invalid' }, spec: { containers: [] } },
    }),
  },
  {
    group: 'writes',
    name: 'DELETE a pod that does not exist',
    request: () => ({ method: 'DELETE', path: '/api/v1/namespaces/shop/pods/does-not-exist' }),
  },
  {
    group: 'writes',
    name: 'POST a namespace',
    request: () => ({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SCRATCH_NAMESPACE } },
    }),
  },
  {
    group: 'writes',
    name: 'DELETE a namespace',
    request: () => ({ method: 'DELETE', path: `/api/v1/namespaces/${SCRATCH_NAMESPACE}` }),
  },

  // Encodings
  {
    group: 'encoding',
    name: 'gzip: list pods',
    request: () => get('/api/v1/pods', { headers: { 'Accept-Encoding': 'gzip' } }),
  },
  {
    group: 'encoding',
    name: 'gzip: list events',
    request: () => get('/api/v1/events', { headers: { 'Accept-Encoding': 'gzip' } }),
  },
  {
    group: 'encoding',
    name: 'protobuf: list pods in shop',
    request: () => get('/api/v1/namespaces/shop/pods', { headers: { Accept: PROTOBUF } }),
  },
  {
    group: 'encoding',
    name: 'protobuf or JSON: list pods in shop',
    request: () => get('/api/v1/namespaces/shop/pods', { headers: { Accept: `${PROTOBUF}, application/json` } }),
  },
  {
    group: 'encoding',
    name: 'Accept text/html only',
    request: () => get('/api/v1/namespaces/shop/pods', { headers: { Accept: 'text/html' } }),
  },

  // Last, as it changes who may read /version: clusters that hardened anonymous access lack this default binding.
  {
    group: 'auth',
    name: 'DELETE ClusterRoleBinding system:public-info-viewer',
    request: () => ({
      method: 'DELETE',
      path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:public-info-viewer',
    }),
  },
  {
    group: 'auth',
    name: 'no token: GET /version without system:public-info-viewer',
    request: () => get('/version', { token: '' }),
  },
];

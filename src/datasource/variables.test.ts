import { normalizeAll } from '../model/normalize';
import type { AnyModel, KindName } from '../model/types';
import type { Replace } from './interpolation';
import { kindsFor, parseVariableQuery, variableValues } from './variables';

const replace: Replace = (text, format) =>
  text.replace(
    /\$(\w+)/g,
    (whole, name) => ({ ns: format(['shop', 'db']), pod: format('web-1') })[name as 'ns' | 'pod'] ?? whole
  );

const meta = (name: string, namespace?: string, labels: Record<string, string> = {}) => ({
  metadata: { name, namespace, labels },
});
const lists: Partial<Record<KindName, AnyModel[]>> = {
  Namespace: normalizeAll('Namespace', [meta('shop'), meta('db'), meta('kube-system')]),
  Node: normalizeAll('Node', [meta('node-b'), meta('node-a')]),
  Pod: normalizeAll('Pod', [
    { ...meta('web-1', 'shop', { app: 'web' }), spec: { containers: [{ name: 'app' }, { name: 'sidecar' }] } },
    { ...meta('pg-0', 'db', { app: 'postgres' }), spec: { containers: [{ name: 'postgres' }] } },
    { ...meta('dns', 'kube-system', { app: 'dns' }), spec: { containers: [{ name: 'coredns' }] } },
  ]),
  Deployment: normalizeAll('Deployment', [meta('web', 'shop'), meta('coredns', 'kube-system')]),
  StatefulSet: normalizeAll('StatefulSet', [meta('pg', 'db')]),
};

function values(text: string): string[] {
  const parsed = parseVariableQuery(text);
  if (!parsed.ok) {
    throw new Error(parsed.reason);
  }
  return variableValues(parsed.query, lists, replace);
}

describe('variable queries', () => {
  it('lists namespaces and nodes sorted', () => {
    expect(values('namespaces()')).toEqual(['db', 'kube-system', 'shop']);
    expect(values('nodes()')).toEqual(['node-a', 'node-b']);
  });
  it('lists workloads by kind and multi-value namespace', () => {
    expect(values('workloads(*, $ns)')).toEqual(['pg', 'web']);
    expect(values('workloads(Deployment, *)')).toEqual(['coredns', 'web']);
    expect(values('workloads(statefulset)')).toEqual(['pg']);
  });
  it('lists pods and the containers of chosen pods', () => {
    expect(values('pods($ns)')).toEqual(['pg-0', 'web-1']);
    expect(values('containers(shop, $pod)')).toEqual(['app', 'sidecar']);
    expect(values('containers(*, *)')).toEqual(['app', 'coredns', 'postgres', 'sidecar']);
  });
  it('lists label values of a table', () => {
    expect(values('label_values(pods, app, $ns)')).toEqual(['postgres', 'web']);
    expect(values('label_values(pods, app)')).toEqual(['dns', 'postgres', 'web']);
  });
  it('asks for only the kinds it needs', () => {
    const parsed = parseVariableQuery('workloads(*, shop)');
    expect(parsed.ok && kindsFor(parsed.query, replace)).toEqual([
      'Deployment',
      'StatefulSet',
      'DaemonSet',
      'Job',
      'CronJob',
    ]);
  });
  it.each([
    ['pods', /Cannot read/],
    ['services()', /Unknown function services/],
    ['workloads(Pod)', /must be one of Deployment/],
    ['label_values(pods)', /label key is required/],
  ])('explains why %p is not a query', (text, reason) => {
    const parsed = parseVariableQuery(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });
});

/**
 * @jest-environment node
 */
import { mergePatch, strategicMergePatch, jsonPatch } from './patch';

const deployment = {
  metadata: { name: 'cart', annotations: { a: '1' } },
  spec: {
    replicas: 2,
    template: {
      metadata: { annotations: { keep: 'yes' } },
      spec: {
        containers: [
          { name: 'cart', image: 'cart:1', ports: [{ containerPort: 80 }, { containerPort: 9090, name: 'metrics' }] },
          { name: 'sidecar', image: 'envoy:1' },
        ],
      },
    },
  },
};

describe('merge patch (RFC 7386)', () => {
  it('sets replicas, merges maps, deletes with null and replaces lists', () => {
    const out = mergePatch(deployment, {
      spec: { replicas: 5, template: { spec: { containers: [{ name: 'cart', image: 'cart:2' }] } } },
      metadata: { annotations: { a: null, b: '2' } },
    });
    expect(out.spec.replicas).toBe(5);
    expect(out.metadata.annotations).toEqual({ b: '2' });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'cart', image: 'cart:2' }]);
    expect(deployment.spec.replicas).toBe(2);
  });
});

describe('strategic merge patch', () => {
  it('adds the restartedAt annotation like `kubectl rollout restart`, keeping other annotations', () => {
    const out = strategicMergePatch(deployment, {
      spec: {
        template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } } },
      },
    });
    expect(out.spec.template.metadata.annotations).toEqual({
      keep: 'yes',
      'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
    });
    expect(out.spec.template.spec.containers).toHaveLength(2);
  });

  it('merges containers by name and their ports by containerPort', () => {
    const out = strategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'cart', image: 'cart:2', ports: [{ containerPort: 9090, name: 'prom' }] },
              { name: 'new', image: 'n:1' },
            ],
          },
        },
      },
    });
    const [cart, sidecar, added] = out.spec.template.spec.containers;
    expect(cart.image).toBe('cart:2');
    expect(cart.ports).toEqual([{ containerPort: 80 }, { containerPort: 9090, name: 'prom' }]);
    expect(sidecar.image).toBe('envoy:1');
    expect(added.name).toBe('new');
  });

  it('honours $patch: delete in a keyed list and $patch: replace on a map', () => {
    const out = strategicMergePatch(deployment, {
      metadata: { annotations: { $patch: 'replace', only: 'this' } },
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    });
    expect(out.metadata.annotations).toEqual({ only: 'this' });
    expect(out.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['cart']);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies replace, add, remove and test in order', () => {
    const out = jsonPatch(deployment, [
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/annotations/x~1y', value: 'z' },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
    ]);
    expect(out.spec.replicas).toBe(3);
    expect(out.metadata.annotations['x/y']).toBe('z');
    expect(out.spec.template.spec.containers).toHaveLength(1);
  });

  it('fails a test operation that does not hold', () => {
    expect(() => jsonPatch(deployment, [{ op: 'test', path: '/spec/replicas', value: 9 }])).toThrow(/test failed/);
  });
});

/**
 * @jest-environment node
 */
import { decodeReview, isProtobuf } from './protobuf';

/** Protobuf field encoders, enough to build the envelopes kubectl sends. */
const varint = (n: number) => {
  const bytes: number[] = [];
  while (n > 127) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
};
const field = (n: number, value: Buffer | string) => {
  const data = Buffer.from(value);
  return Buffer.concat([varint(n * 8 + 2), varint(data.length), data]);
};
const envelope = (kind: string, object: Buffer) =>
  Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    field(1, Buffer.concat([field(1, 'authorization.k8s.io/v1'), field(2, kind)])),
    field(2, object),
    field(4, 'application/vnd.kubernetes.protobuf'),
  ]);

describe('protobuf access reviews', () => {
  it('reads the resource attributes of a SelfSubjectAccessReview', () => {
    const attributes = Buffer.concat([
      field(1, 'shop'),
      field(2, 'patch'),
      field(3, 'apps'),
      field(5, 'deployments'),
      field(6, 'scale'),
      field(7, 'cart'),
    ]);
    const body = envelope(
      'SelfSubjectAccessReview',
      Buffer.concat([field(1, Buffer.alloc(0)), field(2, field(1, attributes))])
    );
    expect(isProtobuf(body)).toBe(true);
    expect(decodeReview(body)).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: {
        resourceAttributes: {
          namespace: 'shop',
          verb: 'patch',
          group: 'apps',
          version: undefined,
          resource: 'deployments',
          subresource: 'scale',
          name: 'cart',
        },
      },
    });
  });

  it('reads non-resource attributes and rules reviews', () => {
    const access = envelope(
      'SelfSubjectAccessReview',
      field(2, field(2, Buffer.concat([field(1, '/version'), field(2, 'get')])))
    );
    expect(decodeReview(access).spec).toEqual({ nonResourceAttributes: { path: '/version', verb: 'get' } });
    const rules = envelope('SelfSubjectRulesReview', field(2, field(1, 'kubeatlas')));
    expect(decodeReview(rules)).toMatchObject({ kind: 'SelfSubjectRulesReview', spec: { namespace: 'kubeatlas' } });
  });

  it('refuses other kinds with 415 and truncated bodies with 400', () => {
    expect(() => decodeReview(envelope('Pod', Buffer.alloc(0)))).toThrow(expect.objectContaining({ code: 415 }));
    expect(() => decodeReview(Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0x80])]))).toThrow(
      expect.objectContaining({ code: 400 })
    );
  });
});

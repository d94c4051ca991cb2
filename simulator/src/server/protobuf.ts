/**
 * Just enough of Kubernetes' protobuf wire format to read access reviews: kubectl ≥ 1.3x sends
 * SelfSubjectAccessReview/SelfSubjectRulesReview bodies as protobuf ("k8s\0" + runtime.Unknown, see
 * k8s.io/apimachinery/pkg/runtime/serializer/protobuf). Field numbers are those of k8s.io/api/authorization/v1/generated.proto.
 */
import { Json } from '../cluster/store';
import { errors } from './status';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Length-delimited and varint fields of one message, by field number (repeated fields keep every value). */
function fields(message: Buffer): Map<number, Array<Buffer | number>> {
  const out = new Map<number, Array<Buffer | number>>();
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= message.length) {
        throw errors.badRequest('protobuf body is truncated');
      }
      const byte = message[offset++];
      result += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) {
        return result;
      }
      shift += 7;
    }
  };
  while (offset < message.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    let value: Buffer | number;
    switch (key & 7) {
      case 0:
        value = varint();
        break;
      case 2: {
        const length = varint();
        value = message.subarray(offset, offset + length);
        offset += length;
        break;
      }
      case 5:
        offset += 4;
        continue;
      case 1:
        offset += 8;
        continue;
      default:
        throw errors.badRequest(`unsupported protobuf wire type ${key & 7}`);
    }
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const text = (f: Map<number, Array<Buffer | number>>, n: number) =>
  (f.get(n)?.[0] as Buffer | undefined)?.toString('utf8');
const message = (f: Map<number, Array<Buffer | number>>, n: number) =>
  fields((f.get(n)?.[0] as Buffer | undefined) ?? Buffer.alloc(0));

export function isProtobuf(body: Buffer): boolean {
  return body.subarray(0, 4).equals(MAGIC);
}

/** A protobuf SelfSubjectAccessReview or SelfSubjectRulesReview as the JSON object the handlers take. */
export function decodeReview(body: Buffer): Json {
  const unknown = fields(body.subarray(4));
  const typeMeta = message(unknown, 1);
  const kind = text(typeMeta, 2);
  const object = message(unknown, 2);
  const spec = message(object, 2);
  const base = { kind, apiVersion: text(typeMeta, 1) };
  if (kind === 'SelfSubjectRulesReview') {
    return { ...base, spec: { namespace: text(spec, 1) } };
  }
  if (kind !== 'SelfSubjectAccessReview') {
    throw errors.unsupportedMediaType('application/vnd.kubernetes.protobuf', ['application/json']);
  }
  if (spec.has(1)) {
    const r = message(spec, 1);
    return {
      ...base,
      spec: {
        resourceAttributes: {
          namespace: text(r, 1),
          verb: text(r, 2),
          group: text(r, 3),
          version: text(r, 4),
          resource: text(r, 5),
          subresource: text(r, 6),
          name: text(r, 7),
        },
      },
    };
  }
  const n = message(spec, 2);
  return { ...base, spec: { nonResourceAttributes: { path: text(n, 1), verb: text(n, 2) } } };
}

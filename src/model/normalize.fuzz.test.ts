/**
 * @jest-environment node
 *
 * Property-based: the normalizers take any JSON a cluster (or a broken proxy, or an odd CRD) can send without
 * throwing, and what they return keeps the model's contract. Generated objects come from ./testdata/arbitraries.ts.
 * A failure prints its seed and path: rerun with `fc.assert(..., { seed, path })` to replay it.
 */
import fc from 'fast-check';
import { KIND_NAMES } from '../k8s/kinds';
import { normalize, normalizeAll } from './normalize';
import { clusterArb } from './testdata/arbitraries';
import { Health, type AnyModel } from './types';

const HEALTH_VALUES = new Set<string>(Object.values(Health));

/** Every number in the model is finite (NaN or Infinity would print as "NaN cores"), every label a string. */
function checkModel(model: AnyModel, kind: string): void {
  expect(model.kind).toBe(kind);
  expect(typeof model.name).toBe('string');
  expect(model.name).not.toBe('');
  expect(typeof model.uid).toBe('string');
  expect(HEALTH_VALUES.has(model.status.health)).toBe(true);
  for (const value of Object.values(model.labels)) {
    expect(typeof value).toBe('string');
  }
  const visit = (value: unknown, where: string): void => {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(`${kind} ${model.name}: ${where} is ${value}`);
    }
    if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        visit(child, `${where}.${key}`);
      }
    }
  };
  visit(model, 'model');
}

// 400 runs × 14 to 30 objects: at least 5,600 objects, plus 19 kinds × 250 single inputs below: over 10,000
// objects a run, counted and asserted at the end.
const CLUSTER_RUNS = 400;
const ANYTHING_RUNS = 250;
let generated = 0;

describe('normalize (fuzzed)', () => {
  it('never throws on generated objects of every kind, wrong types included, and keeps the model contract', () => {
    fc.assert(
      fc.property(clusterArb({ minLength: 14 }), (objects) => {
        for (const { kind, raw } of objects) {
          generated++;
          const before = JSON.stringify(raw);
          const model = normalize(kind, raw);
          // Normalizing reads only: the raw object is unchanged, and a second pass gives the same model.
          expect(JSON.stringify(raw)).toBe(before);
          expect(normalize(kind, raw)).toEqual(model);
          if (model) {
            checkModel(model, kind);
          }
        }
        for (const kind of KIND_NAMES) {
          const items = objects.filter((o) => o.kind === kind).map((o) => o.raw);
          expect(normalizeAll(kind, items).length).toBe(items.filter((raw) => normalize(kind, raw)).length);
        }
      }),
      { numRuns: CLUSTER_RUNS }
    );
  });

  it.each(KIND_NAMES)(
    '%s: any JSON value at all, or one in place of metadata, spec or status, never throws',
    (kind) => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.anything(),
            fc.record({ metadata: fc.anything(), spec: fc.anything(), status: fc.anything() }),
            fc.record({ metadata: fc.record({ name: fc.string({ minLength: 1 }) }), spec: fc.anything() })
          ),
          (raw) => {
            generated++;
            const model = normalize(kind, raw);
            if (model) {
              checkModel(model, kind);
            }
            expect(normalizeAll(kind, [raw, null, 7, 'x', []]).length).toBe(model ? 1 : 0);
          }
        ),
        { numRuns: ANYTHING_RUNS }
      );
    }
  );

  // The apiserver accepts a CPU request of "1e400" (stored as "10e399", measured on the testbed); it must not become
  // Infinity in node and cluster sums.
  it('a quantity past Number range (kept by the apiserver as "10e399") leaves no Infinity in the model', () => {
    const raw = {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', resources: { requests: { cpu: '10e399' } } }] },
    };
    checkModel(normalize('Pod', raw)!, 'Pod');
  });

  afterAll(() => {
    // The figure: at least 10,000 generated objects per run.
    expect(generated).toBeGreaterThanOrEqual(10_000);
    // No input reached Object.prototype (own "__proto__" keys are generated among the junk).
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    console.log(`normalize fuzz: ${generated} generated objects`);
  });
});

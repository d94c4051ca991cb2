import type { ResourceQuantities } from './types';

const SUFFIX_FACTORS: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/**
 * A Kubernetes resource.Quantity string ("250m", "1.5", "128Mi", "1e3") as a number in base units
 * (cores for CPU, bytes for memory). undefined when absent or not a quantity. Numbers pass through.
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const match = QUANTITY.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const [, digits, exponent, suffix = ''] = match;
  const n = Number(digits);
  return exponent ? n * 10 ** Number(exponent.slice(1)) : n * SUFFIX_FACTORS[suffix];
}

/** A ResourceList ({cpu: "100m", memory: "64Mi", …}) as ResourceQuantities; unknown resources are dropped. */
export function parseResourceList(list: unknown): ResourceQuantities {
  if (typeof list !== 'object' || list === null) {
    return {};
  }
  const source = list as Record<string, unknown>;
  const out: ResourceQuantities = {};
  const set = (key: keyof ResourceQuantities, raw: unknown) => {
    const parsed = parseQuantity(raw);
    if (parsed !== undefined) {
      out[key] = parsed;
    }
  };
  set('cpu', source.cpu);
  set('memory', source.memory);
  set('ephemeralStorage', source['ephemeral-storage']);
  set('pods', source.pods);
  set('gpu', source['nvidia.com/gpu'] ?? source['amd.com/gpu']);
  return out;
}

const RESOURCE_KEYS: Array<keyof ResourceQuantities> = ['cpu', 'memory', 'ephemeralStorage', 'pods', 'gpu'];

/** Combines quantities per resource (sum or max); a resource absent from every input stays absent. */
export function combineQuantities(
  inputs: ResourceQuantities[],
  combine: (a: number, b: number) => number
): ResourceQuantities {
  const out: ResourceQuantities = {};
  for (const input of inputs) {
    for (const key of RESOURCE_KEYS) {
      const value = input[key];
      if (value !== undefined) {
        const current = out[key];
        out[key] = current === undefined ? value : combine(current, value);
      }
    }
  }
  return out;
}

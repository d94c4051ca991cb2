import type { ResourceQuantities } from './types';

/** Decimal suffixes as powers of ten, binary suffixes as factors. */
const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_FACTORS: Record<string, number> = {
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
  const power = exponent ? Number(exponent.slice(1)) : DECIMAL_EXPONENTS[suffix];
  // Divide for negative powers: 3800 / 1000 is exactly 3.8, 3800 * 0.001 is not.
  const parsed = suffix in BINARY_FACTORS ? n * BINARY_FACTORS[suffix] : power < 0 ? n / 10 ** -power : n * 10 ** power;
  // The apiserver keeps quantities past a double's range ("10e399" for a request of 1e400): unknown, not Infinity.
  return Number.isFinite(parsed) ? parsed : undefined;
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

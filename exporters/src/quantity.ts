/**
 * Kubernetes resource.Quantity strings as numbers, in the grammar the apiserver accepts and canonicalizes to:
 * a signed decimal number, then a binary suffix (Ki … Ei), a decimal suffix (n, u, m, "", k, M, G, T, P, E) or a
 * decimal exponent (e3, E-2). "250m" is 0.25, "1Gi" is 2^30, "1.5e3" is 1500.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
/** Sub-unit suffixes divide, so "100m" is exactly 0.1 as a float, not 100 × 0.001. */
const DIVISORS: Record<string, number> = { n: 1e9, u: 1e6, m: 1e3 };

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|([KMGTPE]i|[numkMGTPE]?))$/;

/** The quantity's value in base units (cores, bytes, counts); 0 when unset, NaN when malformed. */
export function parseQuantity(quantity: string | number | undefined): number {
  if (typeof quantity === 'number') {
    return quantity;
  }
  if (!quantity) {
    return 0;
  }
  const match = QUANTITY.exec(quantity.trim());
  if (!match) {
    return NaN;
  }
  const [, number, exponent, suffix] = match;
  if (exponent !== undefined) {
    return Number(number) * 10 ** Number(exponent);
  }
  if (suffix in DIVISORS) {
    return Number(number) / DIVISORS[suffix];
  }
  return Number(number) * (BINARY[suffix] ?? DECIMAL[suffix]);
}

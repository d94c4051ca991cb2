/**
 * limit/continue paging over keys in etcd order. Tokens carry the list's resourceVersion, the next key and when they
 * were issued; after the configured lifetime they are refused with 410 Expired, like a token whose revision etcd has
 * compacted away.
 */
import { lowerBound } from '../cluster/store';
import { errors } from './status';

export interface ContinueToken {
  resourceVersion: number;
  /** The first key of the next page. */
  start: string;
  issuedAt: number;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.resourceVersion, start: token.start, t: token.issuedAt })
  ).toString('base64url');
}

export function decodeContinue(text: string, now: number, ttlSeconds: number): ContinueToken {
  let parsed: { v?: string; rv?: number; start?: string; t?: number };
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw errors.badRequest(`continue key is not valid: illegal base64 data or JSON`);
  }
  if (
    parsed.v !== 'meta.k8s.io/v1' ||
    typeof parsed.rv !== 'number' ||
    typeof parsed.start !== 'string' ||
    typeof parsed.t !== 'number'
  ) {
    throw errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'
    );
  }
  if (now - parsed.t > ttlSeconds * 1000) {
    throw errors.expired();
  }
  return { resourceVersion: parsed.rv, start: parsed.start, issuedAt: parsed.t };
}

export interface Page {
  keys: string[];
  /** First key of the next page, when there is one. */
  next?: string;
  /** Keys after this page (only meaningful without selectors, as the apiserver reports it). */
  remaining: number;
}

/**
 * Up to `limit` matching keys starting at `start`. Like the etcd storage, a page is full when it has `limit` matches;
 * a continue key is returned when keys remain after it even if none of them match.
 */
export function paginate(
  sortedKeys: string[],
  start: string | undefined,
  limit: number,
  matches: (key: string) => boolean
): Page {
  let index = start === undefined ? 0 : lowerBound(sortedKeys, start);
  const keys: string[] = [];
  while (index < sortedKeys.length && (limit <= 0 || keys.length < limit)) {
    const key = sortedKeys[index++];
    if (matches(key)) {
      keys.push(key);
    }
  }
  const more = limit > 0 && index < sortedKeys.length;
  return { keys, next: more ? sortedKeys[index] : undefined, remaining: more ? sortedKeys.length - index : 0 };
}

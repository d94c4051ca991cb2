/**
 * Fault injection: rules from flags (`--fault`) or the admin endpoint (`/__sim/faults`) that make matching requests
 * slow, fail, or break on the wire, so clients' error handling can be tested against a real HTTP stack.
 */
import { errors, ApiError } from './status';
import { forbidden, RequestAttributes } from './rbac';

export const FAULT_TYPES = [
  'latency',
  'error',
  'unauthorized',
  'forbidden',
  'reset',
  'truncate',
  'invalid-json',
  'slow-headers',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export interface FaultRule {
  type: FaultType;
  /** Regular expression matched against the request path (without query); default every API path. */
  path?: string;
  /** Only requests for this resource (plural, e.g. "pods"). */
  resource?: string;
  /** Only this HTTP verb (GET, PATCH, …). */
  method?: string;
  /** Probability 0–1 that a matching request is hit; default 1. */
  rate?: number;
  /** `error`: the HTTP status (500, 503 or 429). */
  status?: number;
  /** `error` with 429: the Retry-After seconds. */
  retryAfter?: number;
  /** `latency` and `slow-headers`: milliseconds. */
  ms?: number;
}

export function validateFault(rule: unknown, source: string): FaultRule {
  const r = rule as FaultRule;
  if (typeof r !== 'object' || r === null || !FAULT_TYPES.includes(r.type)) {
    throw new Error(`${source}: fault type must be one of ${FAULT_TYPES.join(', ')}`);
  }
  if (r.path !== undefined) {
    try {
      new RegExp(r.path);
    } catch {
      throw new Error(`${source}: path "${r.path}" is not a valid regular expression`);
    }
  }
  if (r.rate !== undefined && !(r.rate >= 0 && r.rate <= 1)) {
    throw new Error(`${source}: rate must be between 0 and 1`);
  }
  if (r.type === 'error' && ![500, 502, 503, 504, 429].includes(r.status ?? 500)) {
    throw new Error(`${source}: status must be 500, 502, 503, 504 or 429`);
  }
  return r;
}

/** `--fault error:status=503,rate=0.5,path=^/api/v1/pods` → a rule. */
export function parseFaultFlag(text: string): FaultRule {
  const [type, options = ''] = text.split(/:(.*)/s);
  const rule: Record<string, string | number> = { type };
  for (const pair of options.split(',').filter(Boolean)) {
    const [key, value] = pair.split(/=(.*)/s);
    if (value === undefined) {
      throw new Error(`--fault ${text}: expected key=value, got "${pair}"`);
    }
    rule[key] = ['rate', 'status', 'retryAfter', 'ms'].includes(key) ? Number(value) : value;
  }
  return validateFault(rule, `--fault ${text}`);
}

export class Faults {
  rules: FaultRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  /** The rules that fire for this request (each rolls its own rate). */
  select(path: string, method: string, resource: string | undefined): FaultRule[] {
    return this.rules.filter(
      (r) =>
        (!r.path || new RegExp(r.path).test(path)) &&
        (!r.resource || r.resource === resource) &&
        (!r.method || r.method.toUpperCase() === method) &&
        this.random() < (r.rate ?? 1)
    );
  }
}

export function faultError(rule: FaultRule, userName: string, attributes: RequestAttributes): ApiError {
  switch (rule.type) {
    case 'unauthorized':
      return errors.unauthorized();
    case 'forbidden':
      // Worded exactly like an RBAC denial, so clients' handling of real 403s is what gets tested.
      return forbidden({ name: userName, groups: [] }, attributes);
    default:
      switch (rule.status ?? 500) {
        case 429:
          return errors.tooManyRequests(rule.retryAfter ?? 1);
        case 503:
          return errors.unavailable();
        default:
          return new ApiError(rule.status ?? 500, 'InternalError', 'Internal error occurred: injected fault');
      }
  }
}

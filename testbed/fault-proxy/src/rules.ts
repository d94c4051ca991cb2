/**
 * Fault rules: what they say (type, which requests, how often, how many times), how they are checked when a test
 * sets them, and which of them fire for a request. Shared by the fault proxy and the simulator (`--fault`,
 * `/__sim/faults`), so a test's rules mean the same against either.
 */
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
/**
 * Faults only the proxy plays, on watches: the simulator has no real watch stream to hold back, so it keeps refusing
 * them by name.
 */
export const PROXY_FAULT_TYPES = [...FAULT_TYPES, 'stall', 'watch-error'] as const;
export type FaultType = (typeof PROXY_FAULT_TYPES)[number];

export const ERROR_STATUSES = [500, 502, 503, 504, 410, 429];

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
  /** The rule hits this many requests, then expires; default no limit. */
  count?: number;
  /** `error`: the HTTP status (500, 502, 503, 504, 410 or 429); `watch-error`: the code of the ERROR event's Status. */
  status?: number;
  /** `error` with 429: the Retry-After seconds. */
  retryAfter?: number;
  /** `latency` and `slow-headers`: milliseconds. */
  ms?: number;
  /** `forbidden`: the user the message names, where the server cannot tell who the caller is. */
  user?: string;
}

const NUMBER_FIELDS = ['rate', 'count', 'status', 'retryAfter', 'ms'] as const;
const STRING_FIELDS = ['path', 'resource', 'method', 'user'] as const;
const KNOWN_FIELDS: string[] = ['type', ...NUMBER_FIELDS, ...STRING_FIELDS];

/**
 * Checks a rule from a flag or an admin request; the error names the rule (`source`) and what to change. `types` are
 * the types the caller plays (the simulator FAULT_TYPES, the proxy PROXY_FAULT_TYPES).
 */
export function validateFault(rule: unknown, source: string, types: readonly string[] = FAULT_TYPES): FaultRule {
  const r = rule as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || !types.includes(r.type as string)) {
    throw new Error(`${source}: fault type must be one of ${types.join(', ')}`);
  }
  const unknown = Object.keys(r).filter((key) => !KNOWN_FIELDS.includes(key));
  if (unknown.length) {
    throw new Error(`${source}: unknown field ${unknown.join(', ')}; a rule has ${KNOWN_FIELDS.join(', ')}`);
  }
  for (const key of NUMBER_FIELDS) {
    if (r[key] !== undefined && (typeof r[key] !== 'number' || !Number.isFinite(r[key]))) {
      throw new Error(`${source}: ${key} must be a number, got ${JSON.stringify(r[key])}`);
    }
  }
  for (const key of STRING_FIELDS) {
    if (r[key] !== undefined && typeof r[key] !== 'string') {
      throw new Error(`${source}: ${key} must be a string, got ${JSON.stringify(r[key])}`);
    }
  }
  const valid = r as unknown as FaultRule;
  if (valid.path !== undefined) {
    try {
      new RegExp(valid.path);
    } catch {
      throw new Error(`${source}: path "${valid.path}" is not a valid regular expression`);
    }
  }
  if (valid.rate !== undefined && !(valid.rate >= 0 && valid.rate <= 1)) {
    throw new Error(`${source}: rate must be between 0 and 1`);
  }
  if (valid.count !== undefined && !(Number.isInteger(valid.count) && valid.count > 0)) {
    throw new Error(`${source}: count must be a whole number above 0 (leave it out for no limit)`);
  }
  if ((valid.type === 'error' || valid.type === 'watch-error') && !ERROR_STATUSES.includes(valid.status ?? 500)) {
    throw new Error(`${source}: status must be 500, 502, 503, 504, 410 or 429`);
  }
  return valid;
}

/** `--fault error:status=503,rate=0.5,path=^/api/v1/pods` → a rule (the simulator's types). */
export function parseFaultFlag(text: string): FaultRule {
  return parseFaultFlagOf(text, FAULT_TYPES);
}

/** The same for the proxy, which also plays PROXY_FAULT_TYPES. */
export function parseProxyFaultFlag(text: string): FaultRule {
  return parseFaultFlagOf(text, PROXY_FAULT_TYPES);
}

function parseFaultFlagOf(text: string, types: readonly string[]): FaultRule {
  const [type, options = ''] = text.split(/:(.*)/s);
  const rule: Record<string, string | number> = { type };
  for (const pair of options.split(',').filter(Boolean)) {
    const [key, value] = pair.split(/=(.*)/s);
    if (value === undefined) {
      throw new Error(`--fault ${text}: expected key=value, got "${pair}"`);
    }
    const numeric = (NUMBER_FIELDS as readonly string[]).includes(key);
    if (numeric && !Number.isFinite(Number(value))) {
      throw new Error(`--fault ${text}: ${key} must be a number, got "${value}"`);
    }
    rule[key] = numeric ? Number(value) : value;
  }
  return validateFault(rule, `--fault ${text}`, types);
}

/** What one rule has seen since it was set: requests it matched, and how many of those it hit. */
export interface RuleStats {
  rule: FaultRule;
  matched: number;
  fired: number;
  /** A count-limited rule that has used up its count. */
  expired: boolean;
}

export interface FaultStats {
  /** Requests seen since the rules were last replaced or cleared (admin requests not counted). */
  requests: number;
  /** Bytes of upstream response bodies relayed to the clients since then, as the upstream sent them (gzip stays gzip). */
  responseBytes: number;
  /** Requests open now: sent, and their answer not yet over (a watch stays open). */
  inFlight: number;
  /** The most requests open at once since the rules were last replaced or cleared. */
  peakInFlight: number;
  /** Every rule set since then, expired ones included, in the order they were added. */
  rules: RuleStats[];
}

/** The rules in force and their counters. Replacing or clearing the rules starts the counters afresh. */
export class Faults {
  private entries: RuleStats[] = [];
  private requests = 0;
  private responseBytes = 0;
  private inFlight = 0;
  private peakInFlight = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** The rules still in force. */
  get rules(): FaultRule[] {
    return this.entries.filter((e) => !e.expired).map((e) => e.rule);
  }

  replace(rules: FaultRule[]): void {
    this.entries = [];
    this.requests = 0;
    this.responseBytes = 0;
    // Requests still open stay counted: the gauge restarts from them.
    this.peakInFlight = this.inFlight;
    this.append(rules);
  }

  append(rules: FaultRule[]): void {
    this.entries.push(...rules.map((rule) => ({ rule, matched: 0, fired: 0, expired: false })));
  }

  clear(): void {
    this.replace([]);
  }

  stats(): FaultStats {
    const { requests, responseBytes, inFlight, peakInFlight } = this;
    return { requests, responseBytes, inFlight, peakInFlight, rules: this.entries.map((e) => ({ ...e })) };
  }

  /** A request has arrived; `closed` when its answer is over or the client left. */
  opened(): void {
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
  }

  closed(): void {
    this.inFlight--;
  }

  relayed(bytes: number): void {
    this.responseBytes += bytes;
  }

  /** Counts the request and returns the rules that fire for it (each rolls its own rate, in the order set). */
  select(path: string, method: string, resource: string | undefined): FaultRule[] {
    this.requests++;
    const fired: FaultRule[] = [];
    for (const entry of this.entries) {
      const r = entry.rule;
      if (
        entry.expired ||
        (r.path && !new RegExp(r.path).test(path)) ||
        (r.resource && r.resource !== resource) ||
        (r.method && r.method.toUpperCase() !== method)
      ) {
        continue;
      }
      entry.matched++;
      if (this.random() < (r.rate ?? 1)) {
        entry.fired++;
        entry.expired = r.count !== undefined && entry.fired >= r.count;
        fired.push(r);
      }
    }
    return fired;
  }
}

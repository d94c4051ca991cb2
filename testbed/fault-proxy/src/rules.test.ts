/**
 * @jest-environment node
 */
import { Faults, parseFaultFlag, parseProxyFaultFlag, PROXY_FAULT_TYPES, validateFault } from './rules';
import { isLoopback, rulesFromBody } from './admin';

describe('parseFaultFlag', () => {
  it('reads a type and key=value options, numbers as numbers', () => {
    expect(parseFaultFlag('error:status=429,retryAfter=2,path=^/api/v1/pods,count=3')).toEqual({
      type: 'error',
      status: 429,
      retryAfter: 2,
      path: '^/api/v1/pods',
      count: 3,
    });
    expect(parseFaultFlag('reset')).toEqual({ type: 'reset' });
  });

  it('names the flag and the problem', () => {
    expect(() => parseFaultFlag('latency:ms')).toThrow('--fault latency:ms: expected key=value, got "ms"');
    expect(() => parseFaultFlag('meteor')).toThrow('--fault meteor: fault type must be one of latency, error');
    expect(() => parseFaultFlag('latency:ms=soon')).toThrow('--fault latency:ms=soon: ms must be a number, got "soon"');
  });
});

describe('the watch faults only the proxy plays', () => {
  it('the proxy takes stall and watch-error; the simulator, with no real watch stream to hold, refuses them by name', () => {
    expect(parseProxyFaultFlag('stall:resource=pods,count=1')).toEqual({ type: 'stall', resource: 'pods', count: 1 });
    expect(validateFault({ type: 'watch-error', status: 503 }, 'rule 0', PROXY_FAULT_TYPES)).toEqual({
      type: 'watch-error',
      status: 503,
    });
    expect(() => validateFault({ type: 'watch-error', status: 418 }, 'rule 0', PROXY_FAULT_TYPES)).toThrow(
      'rule 0: status must be 500, 502, 503, 504, 410 or 429'
    );
    expect(() => parseFaultFlag('stall')).toThrow('--fault stall: fault type must be one of latency, error');
    expect(() => validateFault({ type: 'watch-error' }, 'rule 0')).toThrow('rule 0: fault type must be one of');
  });
});

describe('validateFault', () => {
  it.each([
    [{ type: 'error', status: 404 }, 'status must be 500, 502, 503, 504, 410 or 429'],
    [{ type: 'reset', rate: 2 }, 'rate must be between 0 and 1'],
    [{ type: 'reset', count: 0 }, 'count must be a whole number above 0'],
    [{ type: 'reset', count: 1.5 }, 'count must be a whole number above 0'],
    [{ type: 'reset', path: '(' }, 'path "(" is not a valid regular expression'],
    [{ type: 'reset', resource: 3 }, 'resource must be a string, got 3'],
    [{ type: 'reset', retry: 3 }, 'unknown field retry'],
    [null, 'fault type must be one of'],
  ])('refuses %j', (rule, message) => {
    expect(() => validateFault(rule, 'rule 0')).toThrow(`rule 0: ${message}`);
  });
});

describe('Faults', () => {
  it('fires matching rules in order, each rolling its own rate', () => {
    const rolls = [0.9, 0.1];
    const faults = new Faults(() => rolls.shift() ?? 0);
    faults.replace([
      { type: 'latency', ms: 5, rate: 0.5 },
      { type: 'error', rate: 0.5 },
      { type: 'reset', method: 'post' },
    ]);
    expect(faults.select('/api/v1/pods', 'GET', 'pods').map((r) => r.type)).toEqual(['error']);
    expect(faults.select('/api/v1/pods', 'POST', 'pods').map((r) => r.type)).toEqual(['latency', 'error', 'reset']);
  });

  it('expires a count-limited rule once it has fired that many times; missed rolls do not count', () => {
    const rolls = [0.9, 0.1, 0.1, 0.1];
    const faults = new Faults(() => rolls.shift() ?? 0);
    faults.replace([{ type: 'error', rate: 0.5, count: 2 }]);
    const hits = [1, 2, 3, 4].map(() => faults.select('/api', 'GET', undefined).length);
    expect(hits).toEqual([0, 1, 1, 0]);
    expect(faults.rules).toEqual([]);
    expect(faults.stats()).toEqual({
      requests: 4,
      responseBytes: 0,
      inFlight: 0,
      peakInFlight: 0,
      rules: [{ rule: { type: 'error', rate: 0.5, count: 2 }, matched: 3, fired: 2, expired: true }],
    });
  });

  it('append keeps the counters, replace and clear start them afresh', () => {
    const faults = new Faults();
    faults.replace([{ type: 'reset', resource: 'pods' }]);
    faults.select('/api/v1/pods', 'GET', 'pods');
    faults.append([{ type: 'latency' }]);
    expect(faults.stats()).toMatchObject({ requests: 1, rules: [{ fired: 1 }, { fired: 0 }] });
    faults.clear();
    expect(faults.stats()).toEqual({ requests: 0, responseBytes: 0, inFlight: 0, peakInFlight: 0, rules: [] });
  });
});

describe('admin helpers', () => {
  it('reads a list, { rules }, or one rule, and names a body that is not JSON', () => {
    expect(rulesFromBody('[{"type":"reset"}]')).toEqual([{ type: 'reset' }]);
    expect(rulesFromBody('{"rules":[{"type":"reset"}]}')).toEqual([{ type: 'reset' }]);
    expect(rulesFromBody('{"type":"reset"}')).toEqual([{ type: 'reset' }]);
    expect(() => rulesFromBody('type=reset')).toThrow('the body is not JSON');
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.8.0.1', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '::ffff:192.168.1.2', '2001:db8::1', undefined].some(isLoopback)).toBe(false);
  });
});

/**
 * @jest-environment node
 */
import { paginate, encodeContinue, decodeContinue } from './paging';

const keys = Array.from({ length: 25 }, (_, i) => `ns/pod-${String(i).padStart(2, '0')}`);

describe('paging', () => {
  it('walks every key exactly once in pages of `limit`', () => {
    const seen: string[] = [];
    let start: string | undefined;
    let pages = 0;
    do {
      const page = paginate(keys, start, 10, () => true);
      seen.push(...page.keys);
      start = page.next;
      pages++;
      expect(page.remaining).toBe(start ? keys.length - seen.length : 0);
    } while (start);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it('fills pages with matching keys only', () => {
    const even = (key: string) => Number(key.slice(-2)) % 2 === 0;
    const first = paginate(keys, undefined, 5, even);
    expect(first.keys).toEqual(['ns/pod-00', 'ns/pod-02', 'ns/pod-04', 'ns/pod-06', 'ns/pod-08']);
    expect(paginate(keys, first.next, 100, even).keys).toHaveLength(8);
  });

  it('returns everything without a limit', () => {
    expect(paginate(keys, undefined, 0, () => true)).toEqual({ keys, next: undefined, remaining: 0 });
  });

  it('round-trips continue tokens and expires them after their lifetime', () => {
    const token = encodeContinue({ resourceVersion: 42, start: 'ns/pod-10', issuedAt: 1000 });
    expect(decodeContinue(token, 5000, 10)).toEqual({ resourceVersion: 42, start: 'ns/pod-10', issuedAt: 1000 });
    expect(() => decodeContinue(token, 12000, 10)).toThrow(expect.objectContaining({ code: 410, reason: 'Expired' }));
    expect(() => decodeContinue('not-a-token', 0, 10)).toThrow(expect.objectContaining({ code: 400 }));
  });
});

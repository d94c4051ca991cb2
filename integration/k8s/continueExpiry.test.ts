/**
 * @jest-environment node
 *
 * A paged LIST whose continue token outlives etcd's history: a testbed whose kube-apiserver compacts etcd every 5 s
 * (--etcd-compaction-interval), a first page, writes, then the next page once compaction has passed the token's
 * revision. kube-apiserver answers 410 Expired, and the client starts the list over, once.
 */
import { waitUntil } from '../../testbed/src/processes';
import { ExpiredError } from '../../src/k8s/errors';
import type { HttpRequest } from '../../src/k8s/http';
import { direct, startGround, TESTBED_TIMEOUT_MS, throughProxy, type Exchange, type Ground } from './harness';

let ground: Ground;

beforeAll(async () => {
  ground = await startGround({ compactionInterval: '5s', readOnly: true });
}, TESTBED_TIMEOUT_MS);
afterAll(() => ground?.stop(), TESTBED_TIMEOUT_MS);

const PAGE_SIZE = 10;
/** Compaction reaches a revision one to two intervals after it was written. */
const EXPIRY_TIMEOUT_MS = 60_000;
const continueOf = (request: HttpRequest) => new URL(request.url, 'http://relative').searchParams.get('continue');

/**
 * After the first page of each attempt (`times` attempts): creates pods in default (writes that move etcd's revision
 * on), then waits until kube-apiserver refuses that page's continue token, asked as admin.
 */
function expireAfterFirstPages(exchanges: Exchange[], prefix: string, created: string[], times: number) {
  let expired = 0;
  return async () => {
    const last = exchanges.at(-1)!;
    if (continueOf(last.request) !== null || expired === times) {
      return;
    }
    expired++;
    const token = (last.response!.body as { metadata: { continue: string } }).metadata.continue;
    for (let i = 0; i < 3; i++) {
      const name = `${prefix}-${expired}-${i}`;
      await ground.testbed.api.request('POST', '/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
      });
      created.push(`default/${name}`);
    }
    const nextPage = `/api/v1/pods?limit=${PAGE_SIZE}&continue=${encodeURIComponent(token)}`;
    await waitUntil(
      'etcd compaction to pass the continue token',
      async () => (await ground.testbed.api.request('GET', nextPage)).status === 410,
      { timeoutMs: EXPIRY_TIMEOUT_MS, watch: [], intervalMs: 500 }
    );
  };
}

it.each(['direct', 'proxy'])(
  '%s: restarts the list once when its continue token expired',
  async (which) => {
    const transport = which === 'direct' ? direct(ground.cluster) : await throughProxy(ground.cluster);
    try {
      const { client, exchanges } = transport.client({ pageSize: PAGE_SIZE });
      const created: string[] = [];
      const result = await client.list('Pod', {
        onPage: expireAfterFirstPages(exchanges, `expiry-${which}`, created, 1),
      });

      expect(result.stats.restarts).toBe(1);
      // First page, its continue token refused with 410 Expired, then the list from the start.
      expect(continueOf(exchanges[0].request)).toBeNull();
      expect(continueOf(exchanges[1].request)).not.toBeNull();
      expect(exchanges[1].response).toMatchObject({ status: 410, body: { kind: 'Status', reason: 'Expired' } });
      expect(continueOf(exchanges[2].request)).toBeNull();
      expect(exchanges.slice(2).every((e) => e.response?.status === 200)).toBe(true);
      // The restarted list is one consistent list, the writes made meanwhile included.
      const listed = result.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
      expect(created.filter((pod) => !listed.includes(pod))).toEqual([]);
      expect(new Set(result.items.map((p) => p.metadata?.uid)).size).toBe(result.items.length);
    } finally {
      await transport.close();
    }
  },
  2 * EXPIRY_TIMEOUT_MS
);

it(
  'a second expiry in the restarted list surfaces as Expired, naming the kind',
  async () => {
    const { client, exchanges } = direct(ground.cluster).client({ pageSize: PAGE_SIZE });
    const error = await client
      .list('Pod', { onPage: expireAfterFirstPages(exchanges, 'expiry-twice', [], 2) })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ExpiredError);
    expect(error.status).toBe(410);
    expect(error.message).toContain('The list of pods changed faster than it could be paged through');
    expect(exchanges.filter((e) => e.response?.status === 410)).toHaveLength(2);
  },
  3 * EXPIRY_TIMEOUT_MS
);

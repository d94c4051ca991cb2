/**
 * How much each form of LIST costs on the real control plane (no assertions: a benchmark, not a test). Starts the
 * testbed (kube-apiserver 1.34 + etcd + kwok, testbed/README.md) at a scale preset (default M: about 2,000 pods) and
 * times, for Pods and for every kind KubeAtlas lists (src/k8s/kinds.ts), the request forms issue 12 weighs:
 * - quorum LIST (no resourceVersion): the consistent read, what the app sends today;
 * - resourceVersion=0: any version the watch cache holds, possibly stale;
 * - resourceVersionMatch=NotOlderThan&resourceVersion=<rv of a list just made>: from the cache, no older than rv;
 * each paged (limit=500 and continue) and unpaged. It prints wall time (median of the runs), the CPU-seconds
 * kube-apiserver and etcd spent per LIST (from /proc/<pid>/stat, the processes found by the testbed's work folder in
 * their command lines), ratios to the quorum paged LIST, and the bytes of one full LIST of each kind: as JSON, as
 * JSON without metadata.managedFields, and as protobuf (application/vnd.kubernetes.protobuf), which tells what a
 * protobuf watch would save on the bytes of watch events (docs/live-state.md).
 *
 *   npx tsx scripts/bench-list-forms.ts [S|M|L|XL] [--runs N]
 */
import fs from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { KIND_NAMES, KINDS, resourcePath } from '../src/k8s/kinds';
import { startTestbed, type Testbed } from '../testbed/src/launcher';
import type { ScaleName } from '../testbed/src/scenario';
import type { KindName } from '../src/model/types';

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '5' } },
  allowPositionals: true,
});
const scale = (positionals[0] ?? 'M').toUpperCase() as ScaleName;
const runs = Number(values.runs);
if (!['S', 'M', 'L', 'XL'].includes(scale) || !(Number.isInteger(runs) && runs > 0)) {
  console.error('Usage: npx tsx scripts/bench-list-forms.ts [S|M|L|XL] [--runs N] (N a whole number above 0)');
  process.exit(2);
}
const PAGE = 500;

interface Answer {
  status: number;
  /** Bytes on the wire (gzip, as a browser asks for it) and decoded. */
  wire: number;
  bytes: number;
  body: { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] };
}

/** One GET as a browser sends it (gzip accepted), the body decoded but not parsed. */
function fetchRaw(
  testbed: Testbed,
  agent: https.Agent,
  path: string,
  accept: string
): Promise<{ status: number; wire: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      new URL(path, testbed.url),
      { agent, headers: { Authorization: `Bearer ${testbed.adminToken}`, Accept: accept, 'Accept-Encoding': 'gzip' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = res.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, wire: raw.length, body });
        });
        res.on('error', reject);
      }
    );
    request.on('error', reject);
  });
}

async function get(testbed: Testbed, agent: https.Agent, path: string): Promise<Answer> {
  const { status, wire, body } = await fetchRaw(testbed, agent, path, 'application/json');
  try {
    return { status, wire, bytes: body.length, body: JSON.parse(body.toString()) };
  } catch (error) {
    throw new Error(`GET ${path}: HTTP ${status}, not JSON: ${(error as Error).message}`);
  }
}

/** The JSON of a list's items once their managedFields are dropped, as kube-apiserver writes it (no spaces). */
function withoutManagedFields(body: Answer['body']): number {
  const items = (body.items ?? []) as Array<{ metadata?: Record<string, unknown> }>;
  const stripped = items.map((item) => {
    const { managedFields: _dropped, ...metadata } = item.metadata ?? {};
    return { ...item, metadata };
  });
  return Buffer.byteLength(JSON.stringify({ ...body, items: stripped }));
}

/** One kind's full LIST, measured in each form. */
interface KindSize {
  kind: string;
  items: number;
  bytes: number;
  wire: number;
  noManagedFields: number;
  protobuf: number;
}

interface Form {
  name: string;
  query: (rv: string) => Record<string, string>;
  paged: boolean;
}

const FORMS: Form[] = [
  { name: 'quorum, paged', query: () => ({}), paged: true },
  { name: 'quorum, unpaged', query: () => ({}), paged: false },
  { name: 'resourceVersion=0, paged', query: () => ({ resourceVersion: '0' }), paged: true },
  { name: 'resourceVersion=0, unpaged', query: () => ({ resourceVersion: '0' }), paged: false },
  {
    name: 'NotOlderThan rv, paged',
    query: (rv) => ({ resourceVersionMatch: 'NotOlderThan', resourceVersion: rv }),
    paged: true,
  },
  {
    name: 'NotOlderThan rv, unpaged',
    query: (rv) => ({ resourceVersionMatch: 'NotOlderThan', resourceVersion: rv }),
    paged: false,
  },
];

/** One whole LIST of a collection in a form: every page; returns requests, items and the last page's rv. */
async function listAll(testbed: Testbed, agent: https.Agent, path: string, form: Form, rv: string) {
  let requests = 0;
  let items = 0;
  let next: string | undefined;
  let version = '';
  do {
    // A continue token carries its own version: the first page's rv parameters must not go with it.
    const query = new URLSearchParams(next ? { limit: String(PAGE), continue: next } : form.query(rv));
    if (form.paged && !next) {
      query.set('limit', String(PAGE));
    }
    const answer = await get(testbed, agent, `${path}?${query}`);
    if (answer.status !== 200) {
      throw new Error(`GET ${path}?${query}: HTTP ${answer.status}`);
    }
    requests++;
    items += answer.body.items?.length ?? 0;
    version = answer.body.metadata?.resourceVersion ?? version;
    next = answer.body.metadata?.continue || undefined;
  } while (next);
  return { requests, items, version };
}

/** The pid of the testbed's process whose command is `binary`, found by its work folder in the command line. */
function pidOf(testbed: Testbed, binary: string): number | undefined {
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0].endsWith(`/${binary}`) && args.some((a) => a.includes(testbed.workDir))) {
        return Number(entry);
      }
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** utime + stime of a process, in seconds (clock ticks of 1/100 s, Linux's USER_HZ). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) {
    return NaN;
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const started = Date.now();
  const testbed = await startTestbed({ scenario: 'demo', scale, log: (line) => console.error(`testbed: ${line}`) });
  const agent = new https.Agent({ ca: testbed.caCert, keepAlive: true, maxSockets: 1 });
  try {
    const apiserver = pidOf(testbed, 'kube-apiserver');
    const etcd = pidOf(testbed, 'etcd');
    // Kinds the cluster serves (the demo has no monitoring.grafana.com: its LIST is a 404).
    const kinds: KindName[] = [];
    for (const kind of KIND_NAMES) {
      const answer = await get(testbed, agent, `${resourcePath(KINDS[kind])}?limit=1`).catch(() => undefined);
      if (answer?.status === 200) {
        kinds.push(kind);
      }
    }
    const sizes: KindSize[] = [];
    for (const kind of kinds) {
      const path = resourcePath(KINDS[kind]);
      const answer = await get(testbed, agent, path);
      sizes.push({
        kind,
        items: answer.body.items?.length ?? 0,
        bytes: answer.bytes,
        wire: answer.wire,
        noManagedFields: withoutManagedFields(answer.body),
        // Custom resources have no protobuf form: the apiserver answers them in JSON whatever is asked.
        protobuf: (await fetchRaw(testbed, agent, path, 'application/vnd.kubernetes.protobuf, application/json')).body
          .length,
      });
    }
    const pods = sizes.find((s) => s.kind === 'Pod')!;
    console.log(
      `\nbench-list-forms: testbed scale ${scale} (kube-apiserver 1.34.2), ${pods.items} pods, ` +
        `${sizes.reduce((sum, s) => sum + s.items, 0)} objects in ${kinds.length} kinds; up in ` +
        `${((Date.now() - started) / 1000).toFixed(0)} s; ${runs} runs per form, median; ` +
        `CPU of kube-apiserver pid ${apiserver ?? '?'} and etcd pid ${etcd ?? '?'} per LIST\n`
    );

    const measure = async (form: Form, paths: string[]) => {
      // For NotOlderThan: the rv of a list made just before, as a client that listed and then watched holds one.
      const versions = [];
      for (const path of paths) {
        versions.push((await get(testbed, agent, `${path}?limit=1`)).body.metadata?.resourceVersion ?? '');
      }
      const times: number[] = [];
      let requests = 0;
      const cpu0 = [cpuSeconds(apiserver), cpuSeconds(etcd)];
      for (let run = 0; run < runs; run++) {
        const t0 = performance.now();
        requests = 0;
        for (const [i, path] of paths.entries()) {
          requests += (await listAll(testbed, agent, path, form, versions[i])).requests;
        }
        times.push(performance.now() - t0);
      }
      const cpu1 = [cpuSeconds(apiserver), cpuSeconds(etcd)];
      return { ms: median(times), requests, apiCpu: (cpu1[0] - cpu0[0]) / runs, etcdCpu: (cpu1[1] - cpu0[1]) / runs };
    };

    const podPath = [resourcePath(KINDS.Pod)];
    const allPaths = kinds.map((k) => resourcePath(KINDS[k]));
    const rows = [];
    for (const form of FORMS) {
      rows.push({ form, pods: await measure(form, podPath), all: await measure(form, allPaths) });
    }
    const base = rows[0];
    const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '?');
    const ratio = (n: number, b: number) => (b > 0 ? `${(n / b).toFixed(2)}×` : '–');
    const header = [
      'form',
      'pods ms',
      '×',
      'req',
      'apiserver CPU s',
      '×',
      'etcd CPU s',
      'all kinds ms',
      '×',
      'req',
      'apiserver CPU s',
      '×',
      'etcd CPU s',
    ];
    const table = rows.map(({ form, pods: p, all: a }) => [
      form.name,
      f(p.ms),
      ratio(p.ms, base.pods.ms),
      String(p.requests),
      f(p.apiCpu, 3),
      ratio(p.apiCpu, base.pods.apiCpu),
      f(p.etcdCpu, 3),
      f(a.ms),
      ratio(a.ms, base.all.ms),
      String(a.requests),
      f(a.apiCpu, 3),
      ratio(a.apiCpu, base.all.apiCpu),
      f(a.etcdCpu, 3),
    ]);
    print([header, ...table]);
    console.log(
      `\nOne full LIST of each kind (unpaged): decoded JSON, on the wire with gzip, JSON without managedFields, ` +
        `protobuf; the last two also as a share of the JSON:\n`
    );
    const total = (key: Exclude<keyof KindSize, 'kind'>) => sizes.reduce((sum, s) => sum + s[key], 0);
    const share = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;
    print([
      ['kind', 'items', 'bytes', 'gzip bytes', 'no managedFields', '', 'protobuf', ''],
      ...[
        ...sizes,
        {
          kind: 'all',
          items: total('items'),
          bytes: total('bytes'),
          wire: total('wire'),
          noManagedFields: total('noManagedFields'),
          protobuf: total('protobuf'),
        },
      ].map((s) => [
        s.kind,
        String(s.items),
        String(s.bytes),
        String(s.wire),
        String(s.noManagedFields),
        share(s.noManagedFields, s.bytes),
        String(s.protobuf),
        share(s.protobuf, s.bytes),
      ]),
    ]);
  } finally {
    agent.destroy();
    await testbed.stop();
  }
}

/** A plain-text table, numbers right-aligned. */
function print(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [n, row] of rows.entries()) {
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
    if (n === 0) {
      console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    }
  }
}

main().catch((error: Error) => {
  console.error(`bench-list-forms: ${error.message}`);
  process.exit(1);
});

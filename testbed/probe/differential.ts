/**
 * Differential probe: the same requests to the simulator (demo scenario) and to the testbed's real kube-apiserver
 * (demo scenario), both as admin unless a case says otherwise; prints every difference in status, media type,
 * encoding and body shape, then figures.
 *
 *   npx tsx testbed/probe/differential.ts [--record DIR] [--only REGEX]
 *
 * --record DIR writes each answer of both servers as JSON (status, headers, body) to DIR/<server>/<case>.json, the
 * source of the fixtures in src/k8s/__fixtures__/. --only runs the cases whose name matches.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseFlags, startSimulator } from '../../simulator/src/main';
import { startTestbed } from '../src/launcher';
import { applyRbacAndReadToken, READER_MANIFEST } from '../src/kubeatlasAccount';
import { CASES, type ProbeCase, type ProbeState } from './cases';
import { send, type Endpoint, type ProbeResponse } from './http';
import { compareShapes, parseJson, shapeOf, type Difference } from './shape';

/** The simulator's token for the reader ServiceAccount (simulator/README.md, "Default tokens"). */
const SIMULATOR_READER_TOKEN = 'kubeatlas-sim-sa-kubeatlas-kubeatlas';
/** Headers worth keeping in a recording; the rest (dates, audit ids) change every run. */
const RECORDED_HEADERS = ['content-type', 'content-encoding', 'retry-after', 'warning'];

type ServerName = 'simulator' | 'testbed';

interface Server {
  name: ServerName;
  endpoint: Endpoint;
  state: ProbeState;
  startMs: number;
}

interface Outcome {
  probeCase: ProbeCase;
  responses: Record<ServerName, ProbeResponse>;
  differences: Difference[];
}

interface PodList {
  items: Array<{
    metadata: { name: string; labels?: Record<string, string> };
    status?: { phase?: string; containerStatuses?: Array<{ restartCount?: number }> };
  }>;
}

/** The pods the cases name, found on each server by label and state (their names differ between the two). */
async function podsOf(endpoint: Endpoint): Promise<Pick<ProbeState, 'frontendPod' | 'crashloopPod' | 'pendingPod'>> {
  const list = async (namespace: string, app: string) => {
    const response = await send(endpoint, {
      method: 'GET',
      path: `/api/v1/namespaces/${namespace}/pods?labelSelector=app%3D${app}`,
    });
    return (parseJson(response) as PodList).items;
  };
  const frontend = (await list('shop', 'frontend')).find((p) => p.status?.phase === 'Running');
  const crashloop = (await list('shop', 'checkout')).find(
    (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) > 0
  );
  const pending = (await list('payments', 'fraud-detector')).find((p) => p.status?.phase === 'Pending');
  if (!frontend || !crashloop || !pending) {
    throw new Error(
      `${endpoint.url}: the demo scenario lacks a running shop/frontend pod, a restarted shop/checkout pod or a ` +
        'Pending payments/fraud-detector pod; start it with the demo scenario'
    );
  }
  return {
    frontendPod: frontend.metadata.name,
    crashloopPod: crashloop.metadata.name,
    pendingPod: pending.metadata.name,
  };
}

/** Pod names differ between the servers: messages are compared with them replaced. */
function normalizeMessages(response: ProbeResponse, state: ProbeState): ProbeResponse {
  let text = response.raw.toString('utf8');
  for (const [placeholder, name] of [
    ['<frontend-pod>', state.frontendPod],
    ['<crashloop-pod>', state.crashloopPod],
    ['<pending-pod>', state.pendingPod],
  ]) {
    text = text.split(name).join(placeholder);
  }
  return {
    ...response,
    raw: response.headers['content-type']?.includes('protobuf') ? response.raw : Buffer.from(text),
  };
}

function record(dir: string, server: ServerName, probeCase: ProbeCase, request: unknown, response: ProbeResponse) {
  const folder = path.join(dir, server);
  fs.mkdirSync(folder, { recursive: true });
  const slug = probeCase.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const isProtobuf = response.headers['content-type']?.includes('protobuf');
  const text = response.raw.toString('utf8');
  const body = isProtobuf ? { base64: response.raw.toString('base64') } : (parseJson(response) ?? text);
  const headers = Object.fromEntries(
    RECORDED_HEADERS.filter((h) => response.headers[h]).map((h) => [h, response.headers[h]])
  );
  fs.writeFileSync(
    path.join(folder, `${slug}.json`),
    JSON.stringify({ case: probeCase.name, request, status: response.status, headers, body }, null, 2) + '\n'
  );
}

/** Multi-line messages (kube-apiserver's 406) on one table row. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ');
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, column) => Math.min(70, Math.max(...rows.map((row) => oneLine(row[column]).length))));
  const cell = (cellText: string, width: number) => {
    const text = oneLine(cellText);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
  };
  for (const [index, row] of rows.entries()) {
    console.log(row.map((text, column) => cell(text, widths[column])).join(' │ '));
    if (index === 0) {
      console.log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
    }
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { record: { type: 'string' }, only: { type: 'string' } }, strict: true });
  const only = values.only ? new RegExp(values.only, 'i') : undefined;
  const cases = CASES.filter((c) => !only || only.test(c.name));

  // monitoring.coreos.com is left out of the simulator's demo so both lack it, as a cluster without the operator does;
  // only the reader manifest is loaded, as only it is applied to the testbed (the operator binds the same account).
  const simulatorStart = performance.now();
  const simulator = await startSimulator(
    parseFlags([
      ...['--scenario', 'demo', '--port', '0', '--tick', '0', '--metrics-port', '-1', '--no-monitoring-crds'],
      ...['--rbac', READER_MANIFEST],
    ])
  );
  const simulatorMs = performance.now() - simulatorStart;
  const testbedStart = performance.now();
  const testbed = await startTestbed({ scenario: 'demo', log: (line) => console.error(`testbed: ${line}`) });
  let servers: Server[] = [];
  try {
    const readerToken = await applyRbacAndReadToken(testbed);
    const testbedMs = performance.now() - testbedStart;
    const endpoints: Record<ServerName, Endpoint> = {
      simulator: { url: simulator.url, ca: simulator.caCert ?? '', adminToken: simulator.token },
      testbed: { url: testbed.url, ca: testbed.caCert, adminToken: testbed.adminToken },
    };
    servers = [
      {
        name: 'simulator',
        endpoint: endpoints.simulator,
        state: { readerToken: SIMULATOR_READER_TOKEN, ...(await podsOf(endpoints.simulator)) },
        startMs: simulatorMs,
      },
      {
        name: 'testbed',
        endpoint: endpoints.testbed,
        state: { readerToken, ...(await podsOf(endpoints.testbed)) },
        startMs: testbedMs,
      },
    ];

    const outcomes: Outcome[] = [];
    for (const probeCase of cases) {
      const responses = {} as Record<ServerName, ProbeResponse>;
      for (const server of servers) {
        const request = probeCase.request(server.state);
        const response = await send(server.endpoint, request);
        probeCase.remember?.(response, server.state);
        responses[server.name] = normalizeMessages(response, server.state);
        if (values.record) {
          const identity =
            request.token === undefined
              ? 'admin'
              : request.token === server.state.readerToken
                ? 'reader'
                : request.token === ''
                  ? 'no token'
                  : 'a token the server does not know';
          record(values.record, server.name, probeCase, { ...request, token: undefined, identity }, response);
        }
      }
      const watch = probeCase.request(servers[0].state).streamMs !== undefined;
      const differences = compareShapes(shapeOf(responses.simulator, watch), shapeOf(responses.testbed, watch));
      outcomes.push({ probeCase, responses, differences });
    }

    const rows = [['case', 'field', 'simulator', 'kube-apiserver 1.34']];
    for (const { probeCase, differences } of outcomes) {
      for (const [index, d] of differences.entries()) {
        rows.push([index === 0 ? `${probeCase.group}: ${probeCase.name}` : '', d.field, d.simulator, d.testbed]);
      }
    }
    console.log(
      `\nDifferences (${rows.length - 1} fields in ${outcomes.filter((o) => o.differences.length).length} cases)\n`
    );
    printTable(rows);

    const messages = outcomes.filter((o) => o.differences.some((d) => d.field === 'message'));
    if (messages.length) {
      console.log('\nStatus messages in full\n');
      for (const { probeCase, responses } of messages) {
        console.log(`${probeCase.name}`);
        for (const name of ['simulator', 'testbed'] as const) {
          const body = parseJson(responses[name]) as { message?: string } | undefined;
          console.log(`  ${name.padEnd(9)} ${body?.message ?? '(no Status)'}`);
        }
      }
    }

    console.log('\nFigures\n');
    const figures = [['', 'simulator', 'kube-apiserver 1.34']];
    const latency = (name: ServerName, p: number) =>
      `${percentile(
        outcomes.filter((o) => o.responses[name].ms < 2000).map((o) => o.responses[name].ms),
        p
      ).toFixed(1)} ms`;
    figures.push([
      'ready in (testbed: with the reader token)',
      ...servers.map((s) => `${(s.startMs / 1000).toFixed(1)} s`),
    ]);
    figures.push(['cases', String(outcomes.length), String(outcomes.length)]);
    figures.push(['same shape', String(outcomes.filter((o) => !o.differences.length).length), '']);
    figures.push(['different', String(outcomes.filter((o) => o.differences.length).length), '']);
    figures.push(['latency p50 (watches left out)', latency('simulator', 50), latency('testbed', 50)]);
    figures.push(['latency p90 (watches left out)', latency('simulator', 90), latency('testbed', 90)]);
    const bytes = (name: ServerName) =>
      `${(outcomes.reduce((sum, o) => sum + o.responses[name].raw.length, 0) / 1024).toFixed(0)} KiB`;
    figures.push(['bytes received (decoded)', bytes('simulator'), bytes('testbed')]);
    printTable(figures);
  } finally {
    await simulator.close();
    await testbed.stop();
  }
}

main().catch((error: Error) => {
  console.error(`differential probe failed: ${error.message}`);
  process.exit(1);
});

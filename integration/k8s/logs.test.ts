/**
 * @jest-environment node
 *
 * src/k8s/logs.ts against kube-apiserver 1.34 on the testbed, whose pods/log reaches kwok's kubelet server (testbed
 * README): straight over HTTPS and through the sandbox's emulation of Grafana's datasource proxy (the route the
 * browser's backendSrv.chunked() uses). Tail, since, timestamps, the previous container, follow receiving lines
 * appended to the log file kwok reads, and the errors: no previous container, an unknown container, a token without
 * the pods/log rule.
 */
import fs from 'node:fs';
import { ForbiddenError, RejectedError, type K8sError } from '../../src/k8s/errors';
import { LineReader } from '../../src/k8s/logLines';
import { streamLog, type LogPart, type LogRequest } from '../../src/k8s/logs';
import type { WatchSource } from '../../src/k8s/watch';
import { applyManifests, loadScenario } from '../../testbed/src/scenario';
import {
  applyRbacAndReadToken,
  readerWithout,
  startGround,
  TESTBED_TIMEOUT_MS,
  watchWay,
  type Ground,
  type WatchWay,
} from './harness';

jest.setTimeout(120_000);

let ground: Ground;
const ways: Record<string, WatchWay> = {};
let frontend: string;

interface Pod {
  metadata: { name: string };
  status?: { phase?: string };
}

async function podOf(namespace: string, prefix: string): Promise<string> {
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const pods = await ground.testbed.api.get<{ items: Pod[] }>(`/api/v1/namespaces/${namespace}/pods`);
    const pod = pods.items.find((p) => p.metadata.name.startsWith(prefix) && p.status?.phase === 'Running');
    if (pod) {
      return pod.metadata.name;
    }
  }
  throw new Error(`no running pod ${namespace}/${prefix}*`);
}

beforeAll(async () => {
  ground = await startGround({ readOnly: true });
  await applyManifests(ground.testbed.api, loadScenario('hostile'));
  ways.direct = await watchWay('direct', ground.cluster);
  ways.proxy = await watchWay('proxy', ground.cluster);
  frontend = await podOf('shop', 'frontend');
}, TESTBED_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(Object.values(ways).map((w) => w.close()));
  await ground?.stop();
}, TESTBED_TIMEOUT_MS);

/** Subscribes and keeps the lines; `done` resolves with them (or the error) when the stream ends. */
function read(source: WatchSource, request: Partial<LogRequest>) {
  const lines: string[] = [];
  let open = false;
  let resolve: (outcome: { lines: string[]; error?: K8sError }) => void = () => undefined;
  const done = new Promise<{ lines: string[]; error?: K8sError }>((r) => (resolve = r));
  const subscription = streamLog(source, { namespace: 'shop', pod: frontend, ...request }).subscribe({
    next: (part: LogPart) => {
      if (part.type === 'open') {
        open = true;
      } else {
        lines.push(...part.lines.map((l) => l.text));
      }
    },
    error: (error: K8sError) => resolve({ lines, error }),
    complete: () => resolve({ lines }),
  });
  return { lines, done, isOpen: () => open, close: () => subscription.unsubscribe() };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000) {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
  }
}

const messages = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').slice(3).join(' '));

describe.each(['direct', 'proxy'])('pod logs %s', (name) => {
  const source = () => ways[name].source;

  it('tailLines: the last lines of the log, in order', async () => {
    const { lines, error } = await read(source(), { tailLines: 3 }).done;
    expect(error).toBeUndefined();
    expect(lines).toEqual(messages(ground.testbed.podLogsFile()).slice(-3));
  });

  it('timestamps: every line carries its RFC 3339 time, which LineReader takes off', async () => {
    const { lines } = await read(source(), { tailLines: 2, timestamps: true }).done;
    let seq = 0;
    const parsed = new LineReader(undefined, () => seq++).read(lines.map((text) => ({ text, cut: 0 })));
    expect(parsed.every((l) => /^\d{4}-\d\d-\d\dT/.test(l.stamp) && l.time > 0)).toBe(true);
    expect(parsed.map((l) => l.text)).toEqual(messages(ground.testbed.podLogsFile()).slice(-2));
  });

  it('previous: the log before the last restart', async () => {
    const { lines, error } = await read(source(), { previous: true }).done;
    expect(error).toBeUndefined();
    expect(lines).toEqual(messages(ground.testbed.podLogsFile().replace(/current\.cri$/, 'previous.cri')));
  });

  it('previous where there is none: the 400 says the cluster cannot return it and what to do', async () => {
    const pod = await podOf('hostile', 'hostile-web');
    const { error } = await read(source(), { namespace: 'hostile', pod, previous: true }).done;
    expect(error).toBeInstanceOf(RejectedError);
    expect(error).toMatchObject({ status: 400 });
    expect(error!.message).toContain(`The cluster cannot return this log of Pod hostile/${pod}`);
  });

  it('a container the pod does not have: 400 naming it', async () => {
    const { error } = await read(source(), { container: 'nope' }).done;
    expect(error).toBeInstanceOf(RejectedError);
    expect(error!.message).toContain('container nope is not valid');
  });
});

describe('follow and since (the log file changes: one after the other)', () => {
  it('follow receives the lines appended to the log while the stream is open, on both ways', async () => {
    const streams = Object.values(ways).map((w) => read(w.source, { follow: true, tailLines: 1, timestamps: true }));
    await until(() => streams.every((s) => s.isOpen() && s.lines.length === 1), 'the followed streams to open');
    const now = new Date().toISOString();
    fs.appendFileSync(
      ground.testbed.podLogsFile(),
      `${now} stdout F appended line one\n${now} stderr F appended line two\n`
    );
    await until(() => streams.every((s) => s.lines.length === 3), 'the appended lines');
    for (const stream of streams) {
      expect(stream.lines.slice(1).map((l) => l.split(' ').slice(1).join(' '))).toEqual([
        'appended line one',
        'appended line two',
      ]);
      stream.close();
    }
  });

  it('sinceSeconds: only the lines of the last minute (the appended ones)', async () => {
    const { lines } = await read(ways.direct.source, { sinceSeconds: 60 }).done;
    expect(lines).toEqual(['appended line one', 'appended line two']);
  });
});

it('a token whose role lacks pods/log: Forbidden, naming the rule to add', async () => {
  const token = await applyRbacAndReadToken(ground.testbed, {
    manifestYaml: readerWithout('kubeatlas-no-logs', '', 'pods/log'),
    namespace: 'kubeatlas-no-logs',
  });
  const way = await watchWay('direct', { ...ground.cluster, token });
  const { error } = await read(way.source, { tailLines: 1 }).done;
  expect(error).toBeInstanceOf(ForbiddenError);
  expect((error as ForbiddenError).rule).toBe('{apiGroups: [""], resources: ["pods/log"], verbs: ["get"]}');
  expect(error!.message).toContain('may not get Pod in namespace shop');
});

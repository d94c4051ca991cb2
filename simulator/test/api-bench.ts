/**
 * Benchmark of the simulated API (prints figures, asserts nothing):
 *   - start time of the L preset (10,000 pods, 200 nodes, 300 namespaces),
 *   - paged cluster-wide LIST of 10,000 pods (limit=500) over HTTPS: MB/s as JSON, gzip and Table,
 *   - resident memory of the XL preset (30,000 pods) after start and after a full paged LIST.
 *   npx tsx simulator/test/api-bench.ts
 */
import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_ADMIN_TOKEN } from '../src/server/auth';

const root = join(__dirname, '../..');

interface Started {
  child: ChildProcess;
  url: string;
  wallMs: number;
  readyLine: string;
}

async function start(scale: string): Promise<Started> {
  const begin = Date.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'simulator/src/main.ts', '--scale', scale, '--port', '0', '--tick', '0', '--churn', '0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    }
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /simulator listening on (\S+).*$/m.exec(output);
      if (match) {
        resolve({ child, url: match[1], wallMs: Date.now() - begin, readyLine: match[0] });
      }
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}

/** CPU seconds (user + system) a process has used: on a shared, loaded machine this says more than wall time. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });

function get(url: string, headers: Record<string, string>): Promise<{ bytes: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent, headers: { Authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ bytes: body.length, body });
        });
      })
      .on('error', reject);
  });
}

/** Pages through every pod; returns bytes on the wire, the uncompressed JSON size and the time. */
async function pagedList(
  base: string,
  headers: Record<string, string>
): Promise<{ wire: number; json: number; ms: number; pages: number; items: number }> {
  const started = process.hrtime.bigint();
  let next = '';
  let wire = 0;
  let json = 0;
  let pages = 0;
  let items = 0;
  do {
    const { bytes, body } = await get(
      `${base}/api/v1/pods?limit=500${next ? `&continue=${encodeURIComponent(next)}` : ''}`,
      headers
    );
    wire += bytes;
    pages++;
    const text = headers['Accept-Encoding'] ? gunzipSync(body).toString() : body.toString();
    json += Buffer.byteLength(text);
    const page = JSON.parse(text);
    items += (page.items ?? page.rows).length;
    next = page.metadata.continue ?? '';
  } while (next);
  return { wire, json, ms: Number(process.hrtime.bigint() - started) / 1e6, pages, items };
}

async function main(): Promise<void> {
  const large = await start('L');
  console.log(`L preset: ${large.readyLine}`);
  console.log(
    `L preset: process start to listening ${(large.wallMs / 1000).toFixed(1)} s wall, ${cpuSeconds(large.child.pid!).toFixed(1)} s server CPU (includes tsx compile and TLS keys), RSS ${rssMb(large.child.pid!).toFixed(0)} MB`
  );
  const modes: Array<[string, Record<string, string>]> = [
    ['JSON', {}],
    ['JSON gzip', { 'Accept-Encoding': 'gzip' }],
    ['Table', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' }],
  ];
  for (const [name, headers] of modes) {
    await pagedList(large.url, headers); // warm-up: serialization caches, TLS session
    const cpuBefore = cpuSeconds(large.child.pid!);
    const runs = [
      await pagedList(large.url, headers),
      await pagedList(large.url, headers),
      await pagedList(large.url, headers),
    ];
    const cpuPerRun = (cpuSeconds(large.child.pid!) - cpuBefore) / runs.length;
    const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
    // Throughput counts the JSON delivered (decompressed for gzip), so the modes compare.
    const mb = best.json / 1e6;
    console.log(
      `L paged LIST pods (${name}, limit=500): ${best.items} items in ${best.pages} pages, ${mb.toFixed(1)} MB of JSON ` +
        `(${(best.wire / 1e6).toFixed(1)} MB on the wire); best wall ${best.ms.toFixed(0)} ms = ${(mb / (best.ms / 1000)).toFixed(0)} MB/s; ` +
        `server CPU ${(cpuPerRun * 1000).toFixed(0)} ms per pass = ${(mb / cpuPerRun).toFixed(0)} MB per CPU-second`
    );
  }
  large.child.kill();

  const xl = await start('XL');
  console.log(`XL preset: ${xl.readyLine}`);
  console.log(
    `XL preset: RSS after start ${rssMb(xl.child.pid!).toFixed(0)} MB, ${cpuSeconds(xl.child.pid!).toFixed(1)} s server CPU to start`
  );
  const listed = await pagedList(xl.url, {});
  console.log(`XL preset: RSS after a full paged LIST of ${listed.items} pods ${rssMb(xl.child.pid!).toFixed(0)} MB`);
  xl.child.kill();
  agent.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

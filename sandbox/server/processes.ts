import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');

/** A free loopback port: listen on 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`${what}: the process exited with code ${child.exitCode}`);
    }
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RunningSimulator {
  url: string;
  port: number;
  token: string;
  caCert: string;
  tokenFile: string;
  caFile: string;
  kubeconfigFile: string;
  stop(): Promise<void>;
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // The child was started detached as its own process group: end the group (npm → tsx → node), nothing else.
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  });
}

/** Starts the cluster simulator (simulator/, `npm run sim`) on a free port and reads the credentials it writes. */
export async function startSimulator(scenario = 'demo', logFile?: string): Promise<RunningSimulator> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeatlas-sim-'));
  const kubeconfigFile = path.join(dir, 'kubeconfig.yaml');
  const caFile = path.join(dir, 'ca.pem');
  const tokenFile = path.join(dir, 'token');
  const log = fs.openSync(logFile ?? path.join(dir, 'simulator.log'), 'a');
  const child = spawn(
    'npm',
    ['run', '--silent', 'sim', '--', '--scenario', scenario, '--port', String(port), '--kubeconfig-out', kubeconfigFile, '--ca-out', caFile, '--token-out', tokenFile],
    { cwd: repoRoot, stdio: ['ignore', log, log], detached: true }
  );
  try {
    await waitFor(async () => fs.existsSync(tokenFile) && fs.existsSync(caFile) && (await portAccepts(port)), `simulator on port ${port}`, 60_000, child);
  } catch (error) {
    await stopChild(child);
    const tail = fs.existsSync(logFile ?? path.join(dir, 'simulator.log')) ? fs.readFileSync(logFile ?? path.join(dir, 'simulator.log'), 'utf8').slice(-2000) : '';
    throw new Error(`${(error as Error).message}\n${tail}`);
  }
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    token: fs.readFileSync(tokenFile, 'utf8').trim(),
    caCert: fs.readFileSync(caFile, 'utf8'),
    tokenFile,
    caFile,
    kubeconfigFile,
    stop: () => stopChild(child),
  };
}

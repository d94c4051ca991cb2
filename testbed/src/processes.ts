/**
 * The testbed's child processes: each in its own process group with its output in a log file, so a component that
 * exits early is reported with the tail of its log, and stop() leaves no process behind.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface Component {
  name: string;
  child: ChildProcess;
  logPath: string;
  /** Set once it exited: `code 1` or `signal SIGKILL`. */
  exited?: string;
}

const alive = new Set<ChildProcess>();
// Last resort if the launcher dies without stop(): no etcd or apiserver outlives it.
process.once('exit', () => alive.forEach((child) => signalGroup(child, 'SIGKILL')));

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

export function logTail(logPath: string, lines = 25): string {
  try {
    return fs.readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function startComponent(name: string, command: string, args: string[], logDir: string): Component {
  const logPath = path.join(logDir, `${name}.log`);
  const log = fs.openSync(logPath, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const component: Component = { name, child, logPath };
  alive.add(child);
  child.once('exit', (code, signal) => {
    alive.delete(child);
    component.exited = signal ? `signal ${signal}` : `code ${code}`;
  });
  child.once('error', (error) => {
    component.exited = `could not start ${command}: ${error.message}`;
  });
  return component;
}

export function earlyExitError(component: Component): Error {
  return new Error(
    `${component.name} exited early (${component.exited}). The end of its log, ${component.logPath}:\n${logTail(component.logPath)}`
  );
}

/** Polls probe until it returns true; fails early if one of `watch` exits, and with the last probe error on timeout. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; watch: Component[]; intervalMs?: number }
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    const dead = options.watch.find((component) => component.exited);
    if (dead) {
      throw earlyExitError(dead);
    }
    try {
      if (await probe()) {
        return;
      }
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not ready after ${options.timeoutMs / 1000} s${lastError ? ` (last error: ${lastError})` : ''}`
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}

export async function stopComponents(components: Component[]): Promise<void> {
  await Promise.all(
    [...components].reverse().map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    })
  );
}

/** A free loopback port, or the given one after checking nobody listens on it. */
export async function loopbackPort(wanted = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${wanted} on 127.0.0.1 is busy: stop what listens there (ss -ltnp 'sport = :${wanted}') or pick another port`
            )
          : error
      )
    );
    server.listen(wanted, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

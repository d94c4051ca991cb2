/**
 * Deterministic resource usage for containers that run nothing (kwok's, the simulator's): a pure function of the
 * object identity and the clock, so every scrape agrees with the API objects without any per-container state.
 * Rates wobble smoothly around a per-container base; counters are their exact integrals since the container started,
 * so they only grow and restart from zero when the container restarts (a new container ID, as cAdvisor shows it).
 */
import { parseQuantity } from './quantity';
import { ContainerSpec, ContainerStatus } from './shapes';

/** A stable unsigned 32-bit number from a string (FNV-1a). */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A stable number in [0, 1) from a string, so each container gets its own base usage and phase. */
export function unitHash(text: string): number {
  return hash32(text) / 4294967296;
}

const WOBBLE = 0.25;

/** A positive rate base·(1 + WOBBLE·sin(2πt/period + phase)) and its integral, both in per-second units. */
class Wobble {
  private readonly period: number;
  private readonly phase: number;

  constructor(
    readonly base: number,
    seed: string
  ) {
    this.period = 600 + 1800 * unitHash(`${seed}/period`);
    this.phase = 2 * Math.PI * unitHash(`${seed}/phase`);
  }

  /** ∫ rate dt from `start` to `end` (seconds). */
  integral(start: number, end: number): number {
    const antiderivative = (t: number) =>
      this.base *
      (t - ((WOBBLE * this.period) / (2 * Math.PI)) * Math.cos((2 * Math.PI * t) / this.period + this.phase));
    return Math.max(0, antiderivative(end) - antiderivative(start));
  }
}

export interface ContainerUsage {
  cpuSecondsTotal: number;
  memoryWorkingSetBytes: number;
  fsReadBytesTotal: number;
  fsWriteBytesTotal: number;
}

const MiB = 2 ** 20;

/**
 * Usage of a running container. CPU sits between 15% and 85% of its request (capped below its limit); memory
 * likewise, higher on a node under memory pressure. A container whose last run was OOMKilled climbs from half its
 * limit to the limit over ~3 minutes, the saw-tooth an OOM crash loop draws on a memory panel.
 */
export function containerUsage(
  seed: string,
  spec: ContainerSpec | undefined,
  status: ContainerStatus,
  startedAtMs: number,
  nowMs: number,
  memoryPressure: boolean
): ContainerUsage {
  const requests = spec?.resources?.requests ?? {};
  const limits = spec?.resources?.limits ?? {};
  const cpuRequest = parseQuantity(requests.cpu);
  const cpuLimit = parseQuantity(limits.cpu);
  const memoryRequest = parseQuantity(requests.memory);
  const memoryLimit = parseQuantity(limits.memory);
  const share = 0.15 + 0.7 * unitHash(`${seed}/share`);

  let cpuBase = (cpuRequest || 0.05) * share;
  if (cpuLimit) {
    cpuBase = Math.min(cpuBase, (cpuLimit * 0.9) / (1 + WOBBLE));
  }
  const cpu = new Wobble(cpuBase, `${seed}/cpu`);
  const start = startedAtMs / 1000;
  const now = Math.max(start, nowMs / 1000);

  const memoryReference = memoryRequest || memoryLimit || 128 * MiB;
  const memoryShare = memoryPressure ? 0.85 + 0.1 * share : 0.3 + 0.55 * share;
  let memory = memoryReference * memoryShare * (1 + 0.05 * Math.sin(now / 97 + 7 * share));
  if (status.lastState?.terminated?.reason === 'OOMKilled' && memoryLimit) {
    memory = memoryLimit * Math.min(0.995, 0.5 + (0.5 * (now - start)) / 180);
  } else if (memoryLimit) {
    memory = Math.min(memory, memoryLimit * 0.97);
  }

  const fsWrite = new Wobble(50_000 * unitHash(`${seed}/fsw`), `${seed}/fsw`);
  const fsRead = new Wobble(20_000 * unitHash(`${seed}/fsr`), `${seed}/fsr`);
  return {
    cpuSecondsTotal: cpu.integral(start, now),
    memoryWorkingSetBytes: Math.round(memory),
    fsReadBytesTotal: Math.round(fsRead.integral(start, now)),
    fsWriteBytesTotal: Math.round(fsWrite.integral(start, now)),
  };
}

export interface PodNetworkUsage {
  receiveBytesTotal: number;
  transmitBytesTotal: number;
}

/** Pod network traffic (the sandbox's eth0): 1 KB/s to 200 KB/s received, a bit less sent. */
export function podNetworkUsage(seed: string, startedAtMs: number, nowMs: number): PodNetworkUsage {
  const start = startedAtMs / 1000;
  const now = Math.max(start, nowMs / 1000);
  const receive = new Wobble(1000 + 199_000 * unitHash(`${seed}/rx`) ** 2, `${seed}/rx`);
  const transmit = new Wobble(receive.base * (0.3 + 0.6 * unitHash(`${seed}/tx`)), `${seed}/tx`);
  return {
    receiveBytesTotal: Math.round(receive.integral(start, now)),
    transmitBytesTotal: Math.round(transmit.integral(start, now)),
  };
}

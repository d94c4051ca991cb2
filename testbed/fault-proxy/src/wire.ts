/**
 * Faults on the wire that need no upstream answer: a dropped connection, a body that is not JSON, headers trickled
 * slowly. Shared by the proxy and the simulator so both break the same way.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { KubeStatus, statusBody, unavailableStatus } from './statuses';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drops the connection without an answer. A close, not a TCP RST: Node cannot reset a TLS socket
 * (resetAndDestroy throws on one); clients see the same "socket hang up" / ECONNRESET either way.
 */
export function resetConnection(socket: Socket): void {
  socket.destroy();
}

/** A 200 that says it is JSON and is not: what a broken middlebox or a half-written body looks like. */
export function sendInvalidJson(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"kind":"PodList","items":[{]}<html>');
}

/** Trickles the status line and headers over `ms`, then answers 503: for clients' header-timeout handling. */
export async function sendSlowHeaders(res: ServerResponse, ms: number): Promise<void> {
  const socket = res.socket!;
  const body = statusBody(unavailableStatus());
  const lines = [
    'HTTP/1.1 503 Service Unavailable',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  for (const line of lines) {
    await sleep(ms / lines.length);
    if (socket.destroyed) {
      return;
    }
    socket.write(`${line}\r\n`);
  }
  socket.end(`\r\n${body}`);
}

/**
 * A watch that starts (200) and then fails: one ERROR event carrying a Status, then the end of the stream, as
 * kube-apiserver ends a watch it cannot go on with (k8s.io/apiserver's watch handler sends the error as an event).
 */
export function sendWatchError(res: ServerResponse, status: KubeStatus): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(`{"type":"ERROR","object":${statusBody(status)}}\n`);
}

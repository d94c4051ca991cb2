/**
 * The requests behind the All clusters page (clusterSummaries.ts), free of Grafana's runtime so that
 * scripts/bench-all-clusters.ts asks the API server exactly the same set for its floor.
 */
import { DEFAULT_PAGE_SIZE, K8sClient } from '../../k8s/client';
import { BadResponseError, CancelledError } from '../../k8s/errors';
import { KINDS, resourcePath } from '../../k8s/kinds';
import type { KubeTable, SummaryTables } from '../../selectors/clusterSummary';
import { WATCH_SLOTS } from './connectionBudget';

export const SUMMARY_INTERVAL_MS = 60_000;
/** The Kubernetes version changes with an upgrade only: asked again this often, not every refresh. */
export const VERSION_MAX_AGE_MS = 10 * 60_000;
/** Chromium's connections per host over HTTP/1.1, less the other tabs' held watches and one for Grafana itself. */
export const HTTP1_CONCURRENCY = 6 - WATCH_SLOTS - 1;
export const MULTIPLEXED_CONCURRENCY = 6;

const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';

/** Runs tasks at most `limit` at a time, in call order; a task whose signal aborts while it waits never starts. */
export function limiter(limit: number): <T>(task: () => Promise<T>, signal: AbortSignal) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return async (task, signal) => {
    if (running >= limit) {
      await new Promise<void>((resolve, reject) => {
        const start = () => {
          signal.removeEventListener('abort', cancel);
          resolve();
        };
        const cancel = () => {
          waiting.splice(waiting.indexOf(start), 1);
          reject(new CancelledError('The request was cancelled.', ''));
        };
        waiting.push(start);
        signal.addEventListener('abort', cancel, { once: true });
      });
    }
    running++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** Resolves at once while the document is visible, else when it becomes visible; rejects when `signal` aborts. */
export function whenVisible(signal: AbortSignal, doc: Document = document): Promise<void> {
  if (doc.visibilityState !== 'hidden') {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const shown = () => {
      if (doc.visibilityState !== 'hidden') {
        doc.removeEventListener('visibilitychange', shown);
        signal.removeEventListener('abort', cancel);
        resolve();
      }
    };
    const cancel = () => {
      doc.removeEventListener('visibilitychange', shown);
      reject(new CancelledError('The request was cancelled.', ''));
    };
    doc.addEventListener('visibilitychange', shown);
    signal.addEventListener('abort', cancel, { once: true });
  });
}

/** One paged LIST of a kind in Table form, rows only: a few cells per object instead of the object. */
export async function listTable(
  client: K8sClient,
  kind: 'Node' | 'Pod',
  signal: AbortSignal,
  fieldSelector?: string
): Promise<KubeTable> {
  const info = KINDS[kind];
  const table: Required<KubeTable> = { columnDefinitions: [], rows: [] };
  let next: string | undefined;
  do {
    const page = await client.send<(KubeTable & { kind?: string; metadata?: { continue?: string } }) | null>(
      {
        route: 'read',
        method: 'GET',
        path: resourcePath(info),
        accept: TABLE,
        query: { limit: DEFAULT_PAGE_SIZE, continue: next, fieldSelector, includeObject: 'None' },
        context: { verb: 'list', kind: info },
      },
      { signal }
    );
    if (page?.kind !== 'Table' || !Array.isArray(page.rows)) {
      throw new BadResponseError(
        `The answer to list ${info.plural} as a Table is not a Table.`,
        'Check that the cluster URL points at the Kubernetes API server and no proxy rewrites its Accept header.'
      );
    }
    if (table.columnDefinitions.length === 0 && Array.isArray(page.columnDefinitions)) {
      table.columnDefinitions = page.columnDefinitions;
    }
    for (const row of page.rows) {
      table.rows.push(row);
    }
    next = page.metadata?.continue || undefined;
  } while (next);
  return table;
}

/**
 * One cluster's requests, one after the other (one connection per cluster at most): /version when the last answer
 * is older than VERSION_MAX_AGE_MS, then the three Table LISTs.
 */
export function summaryRequests(
  client: K8sClient,
  now: () => number = Date.now
): (signal: AbortSignal) => Promise<{ tables: SummaryTables; version: string }> {
  let version: { gitVersion: string; at: number } | undefined;
  return async (signal) => {
    if (!version || now() - version.at > VERSION_MAX_AGE_MS) {
      version = { gitVersion: (await client.version({ signal })).gitVersion, at: now() };
    }
    const nodes = await listTable(client, 'Node', signal);
    const pods = await listTable(client, 'Pod', signal);
    const pendingPods = await listTable(client, 'Pod', signal, 'status.phase=Pending');
    return { tables: { nodes, pods, pendingPods }, version: version.gitVersion };
  };
}

/**
 * Watch streams: newline-delimited {"type","object"} events over a chunked response, replayed from a resourceVersion
 * (or synthetic ADDED events for the current state), BOOKMARKs when asked, closed after timeoutSeconds.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { ChangeEvent, KubeObject } from '../cluster/store';
import { apiVersionOf } from '../cluster/kinds';
import { ResourceRequest } from './request';
import { errors } from './status';
import { printerFor, tableRowJson, IncludeObject } from './tables';
import type { ApiServerOptions } from './server';
import { filterOf, present, storeOf } from './views';

const DEFAULT_TIMEOUT_SECONDS = 1800;

export function serveWatch(
  options: ApiServerOptions,
  request: ResourceRequest,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  asTable: boolean,
  include: IncludeObject
): void {
  const { sim } = options;
  const { kind } = request;
  const resource = storeOf(kind);
  if (request.name) {
    // Watching one object is a watch of the collection with a name field selector.
    const existing = query.get('fieldSelector');
    query.set('fieldSelector', `metadata.name=${request.name}${existing ? `,${existing}` : ''}`);
  }
  const filter = filterOf(kind, query);
  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents') === 'true' || rvParam === '' || rvParam === '0';
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? DEFAULT_TIMEOUT_SECONDS);
  if (rvParam && !/^\d+$/.test(rvParam)) {
    throw errors.badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  }
  const relevant = (o: KubeObject) =>
    (request.namespace === undefined || o.metadata.namespace === request.namespace) && filter.matches(o);
  const printer = printerFor(kind.resource);

  const objectJson = (o: KubeObject) => {
    if (!asTable) {
      return present(sim, kind, o);
    }
    const row = tableRowJson(printer, o, sim.clock.now(), include, () => present(sim, kind, o));
    return `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"${o.metadata.resourceVersion}"},"columnDefinitions":${JSON.stringify(printer.columns)},"rows":[${row}]}`;
  };
  const send = (type: string, json: string) => res.write(`{"type":"${type}","object":${json}}\n`);
  const bookmark = (initialEnd: boolean) =>
    send(
      'BOOKMARK',
      JSON.stringify({
        kind: kind.kind,
        apiVersion: apiVersionOf(kind),
        metadata: {
          resourceVersion: String(sim.store.resourceVersion),
          ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
        },
      })
    );

  let backlog: ChangeEvent[] = [];
  if (!sendInitial) {
    const changes = sim.store.changesSince(Number(rvParam));
    if (!changes) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
      const status = errors.gone(`${rvParam} (${sim.store.resourceVersion})`).toStatus();
      res.end(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      return;
    }
    backlog = changes;
  }

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  if (sendInitial) {
    for (const key of sim.store.keys(resource, request.namespace)) {
      const object = sim.store.getByKey(resource, key)!;
      if (filter.matches(object)) {
        send('ADDED', objectJson(object));
      }
    }
    if (bookmarks && query.get('sendInitialEvents') === 'true') {
      bookmark(true);
    }
  }
  for (const change of backlog) {
    if (change.resource === resource && relevant(change.object)) {
      send(change.type, objectJson(change.object));
    }
  }
  // With selectors, an object that starts or stops matching is ADDED to or DELETED from the watcher's view.
  const onChange = (change: ChangeEvent) => {
    if (change.resource !== resource) {
      return;
    }
    const now = relevant(change.object);
    const before = change.previous ? relevant(change.previous) : now;
    if (now || before) {
      const type = change.type === 'MODIFIED' && now !== before ? (now ? 'ADDED' : 'DELETED') : change.type;
      send(type, objectJson(change.object));
    }
  };
  sim.store.on('change', onChange);
  const bookmarkTimer = bookmarks ? setInterval(() => bookmark(false), options.bookmarkSeconds * 1000) : undefined;
  const timeout = setTimeout(() => res.end(), timeoutSeconds * 1000);
  const stop = () => {
    sim.store.off('change', onChange);
    clearInterval(bookmarkTimer);
    clearTimeout(timeout);
  };
  res.on('close', stop);
  req.on('close', stop);
}

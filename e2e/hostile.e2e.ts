/**
 * Hostile cluster content (issue 15) on the real control plane: the corpus of testbed/scenarios/hostile/ (markup in
 * annotations, images, env vars, args, event messages and an ingress path; javascript: and data: URLs; bidi and
 * zero-width characters) plus what bigObjects() generates (64 KiB strings, 10,000 labels), applied on top of the demo,
 * shown on every page, in the details drawer's tabs and in the datasource's tables. On each view: no dialog, no
 * payload code run (a trap on window.__pwned, alert/confirm/prompt, eval and Function), no inline handler or payload
 * element in the DOM, no link or frame to a non-http(s) URL, the payload visible as text, and the layout not widened.
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Stack } from '../testbed/src/stack';
import { applyManifests, loadScenario, type Manifest } from '../testbed/src/scenario';
import { artifactsDir, expect, test, type TestContext } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';
const NS = 'hostile';
const FONTS: [RegExp, number] = [/\/public\/fonts\//, 404];
const BIG = 64 * 1024;
const LABELS = 10_000;
// A run of one letter: no break opportunity, the worst case for a layout.
const HUGE = 'W'.repeat(BIG);

/** The objects too large for the scenario's files: a 64 KiB image, annotation and event message; 10,000 labels. */
function bigObjects(now: string): Manifest[] {
  const labels = Object.fromEntries(Array.from({ length: LABELS }, (_, i) => [`hostile.kubeatlas.io/l-${i}`, `v${i}`]));
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hostile-big', namespace: NS, labels: { app: 'hostile-big' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'hostile-big' } },
        template: {
          metadata: { labels: { app: 'hostile-big' }, annotations: { 'kubectl.kubernetes.io/restartedAt': HUGE } },
          spec: { containers: [{ name: 'big', image: `registry.example/${HUGE}:1` }] },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'many-labels', namespace: NS, labels: { app: 'many-labels', ...labels } },
      spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'hostile-web.huge', namespace: NS },
      type: 'Warning',
      reason: 'HugeMessage',
      message: HUGE,
      involvedObject: { apiVersion: 'v1', kind: 'Service', name: 'hostile-web', namespace: NS },
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
    },
  ];
}

let applied: Promise<void> | undefined;

/** Applies the corpus once per run (the stack is shared) and waits until kwok has played its pods. */
function ensureCorpus(stack: Stack | undefined): Promise<void> {
  if (!stack) {
    throw new Error('the hostile corpus needs the testbed stack ({ cluster: true })');
  }
  applied ??= (async () => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const manifests = loadScenario('hostile').map((m) =>
      m.kind === 'Event' ? { ...m, firstTimestamp: now, lastTimestamp: now } : m
    );
    await applyManifests(stack.testbed.api, [...manifests, ...bigObjects(now)]);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const pods = await stack.testbed.api.get<{ items: Array<{ metadata: { name: string }; status?: any }> }>(
        `/api/v1/namespaces/${NS}/pods`
      );
      const phase = (prefix: string) => pods.items.find((p) => p.metadata.name.startsWith(prefix))?.status?.phase;
      const pulling = pods.items.some((p) =>
        p.status?.containerStatuses?.some((c: any) => c.state?.waiting?.reason === 'ImagePullBackOff')
      );
      if (
        phase('hostile-web-') === 'Running' &&
        phase('hostile-big-') === 'Running' &&
        phase('many-labels') &&
        pulling
      ) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the hostile pods did not start in 90 s: ${JSON.stringify(pods.items.map((p) => [p.metadata.name, p.status?.phase]))}`
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return applied;
}

/**
 * Runs before any script of every page of the context: records any call or assignment a payload would make, dialogs
 * included, and every element added with an inline on* handler. A string, not a function: tsx would wrap a function
 * in a __name helper the browser does not have.
 */
const TRAP = `(() => {
  const hits = [];
  Object.defineProperty(window, '__hostileHits', { value: hits });
  Object.defineProperty(window, '__pwned', {
    get() { return function () { hits.push('called window.__pwned()'); }; },
    set(value) { hits.push('set window.__pwned = ' + String(value)); },
  });
  for (const name of ['alert', 'confirm', 'prompt']) {
    window[name] = function () { hits.push(name + '(' + Array.from(arguments).join(', ') + ')'); };
  }
  const originalEval = window.eval;
  window.eval = function (code) {
    if (String(code).includes('pwned')) hits.push('eval(' + String(code).slice(0, 80) + ')');
    return originalEval(code);
  };
  window.Function = new Proxy(window.Function, {
    apply(target, self, args) { if (args.join().includes('pwned')) hits.push('Function(' + args.join().slice(0, 80) + ')'); return Reflect.apply(target, self, args); },
    construct(target, args) { if (args.join().includes('pwned')) hits.push('new Function(' + args.join().slice(0, 80) + ')'); return Reflect.construct(target, args); },
  });
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        for (const el of [node, ...node.querySelectorAll('*')]) {
          for (const attribute of el.attributes) {
            if (/^on/i.test(attribute.name)) hits.push('inline handler ' + el.tagName + ' ' + attribute.name);
          }
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
})()`;

/** What the DOM holds now that no hostile content should have made. Evaluated in the page, as a string (see TRAP). */
const INSPECT = `(() => {
  const bad = [...window.__hostileHits];
  for (const el of document.querySelectorAll('[id^="pwn-"]')) bad.push('payload element <' + el.tagName.toLowerCase() + ' id=' + el.id + '>');
  for (const el of document.querySelectorAll('*')) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.trim();
      if (name.startsWith('on')) bad.push('inline handler ' + el.tagName + ' ' + name);
      const linkish = ['href', 'xlink:href', 'src', 'action', 'formaction', 'srcdoc', 'data'].includes(name);
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value);
      if (linkish && scheme && !/^https?$/i.test(scheme[1]) && !(name === 'src' && /^data:image\\//i.test(value))) {
        bad.push(el.tagName.toLowerCase() + ' ' + name + '=' + value.slice(0, 80));
      }
    }
  }
  // The drawer is fixed-position: widened by its content, it runs off the window's right edge (its close button with
  // it) without widening the document.
  const edges = [...document.querySelectorAll('[role="dialog"]')].map((d) => d.getBoundingClientRect().right);
  return {
    bad,
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    dialogRight: Math.max(0, ...edges),
    text: document.body.innerText,
  };
})()`;

const contexts = new WeakSet<BrowserContext>();
const navigations: string[] = [];
const dialogs: string[] = [];

/** Opens a page with the traps in place from its first script, counting dialogs and non-http(s) navigations. */
async function openTrapped(context: TestContext, pathname: string): Promise<Page> {
  const page = await context.open(pathname, { role: 'Viewer' });
  const browserContext = page.context();
  const first = !contexts.has(browserContext);
  if (first) {
    contexts.add(browserContext);
    await browserContext.addInitScript(TRAP);
  }
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('framenavigated', (frame) => {
    if (!/^(https?:|about:blank)/.test(frame.url())) {
      navigations.push(frame.url());
    }
  });
  page.on('popup', (popup) => navigations.push(`popup ${popup.url()}`));
  if (first) {
    // The context's first page loaded before the traps: load it again with them.
    await page.reload();
  }
  return page;
}

/**
 * Waits for `ready`, then asserts the view is clean, shows `texts` as text, and is no wider than the window (a drawer
 * included), unless `layout` says otherwise.
 */
async function inspect(
  page: Page,
  where: string,
  ready: () => Promise<unknown>,
  texts: string[],
  layout: 'holds' | 'unchecked' = 'holds'
): Promise<void> {
  await ready();
  let state = (await page.evaluate(INSPECT)) as {
    bad: string[];
    scrollWidth: number;
    viewport: number;
    dialogRight: number;
    text: string;
  };
  // React renders in steps and the drawer slides in: judge once the payload text is shown and the drawer's edge has
  // stopped moving.
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(250);
    const previous = state;
    state = (await page.evaluate(INSPECT)) as typeof state;
    if (texts.every((t) => state.text.includes(t)) && state.dialogRight === previous.dialogRight) {
      break;
    }
  }
  expect(state.bad.length === 0, `${where}: hostile content ran or became markup:\n  ${state.bad.join('\n  ')}`);
  expect(dialogs.length === 0, `${where}: dialogs opened: ${dialogs.join('; ')}`);
  expect(navigations.length === 0, `${where}: navigated to ${navigations.join(', ')}`);
  for (const text of texts) {
    expect(state.text.includes(text), `${where}: the payload is shown as text: ${text.slice(0, 60)}`);
  }
  if (layout === 'unchecked') {
    return;
  }
  expect(
    state.scrollWidth <= state.viewport * 1.1,
    `${where}: the page is ${state.scrollWidth}px wide in a ${state.viewport}px window`
  );
  expect(
    state.dialogRight <= state.viewport + 1,
    `${where}: the drawer runs to ${Math.round(state.dialogRight)} px in a ${state.viewport} px window`
  );
}

const IMAGE = 'registry.example/<img id="pwn-image" src=x onerror="window.__pwned=\'image\'">:1.0';
const EVENT_MESSAGE = '<img id="pwn-event-message" src=x onerror="window.__pwned=\'event-message\'">';
const PULL = '<img id=pwn-pull-image src=x onerror=window.__pwned=';

test(
  'hostile: the apiserver accepts 10,000 labels and annotations up to 256 KiB in total, and refuses a byte more',
  async ({ stack }) => {
    await ensureCorpus(stack);
    const api = stack!.testbed.api;
    const tryCreate = async (metadata: object) => {
      const started = Date.now();
      const response = await api.request<{ message?: string }>(
        'POST',
        `/api/v1/namespaces/${NS}/configmaps?dryRun=All`,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', ...metadata } }
      );
      return { status: response.status, message: response.body?.message ?? '', ms: Date.now() - started };
    };
    const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l-${i}`, 'v']));
    const many = await tryCreate({ labels: labels(LABELS) });
    expect(many.status === 201, `10,000 labels: HTTP ${many.status} ${many.message}`);
    const limit = 256 * 1024;
    const atLimit = await tryCreate({ annotations: { a: 'x'.repeat(limit - 1) } });
    expect(atLimit.status === 201, `annotations of exactly 256 KiB: HTTP ${atLimit.status} ${atLimit.message}`);
    const over = await tryCreate({ annotations: { a: 'x'.repeat(limit) } });
    expect(
      over.status === 422 && /Too long: may not be more than 262144 bytes/.test(over.message),
      `annotations one byte over 256 KiB are refused: HTTP ${over.status} ${over.message}`
    );
    const longValue = await tryCreate({ labels: { k: 'v'.repeat(64) } });
    expect(longValue.status === 422, `a 64-character label value is refused: HTTP ${longValue.status}`);
    console.log(
      `     apiserver limits: ${LABELS} labels accepted (${many.ms} ms), annotations 262144 bytes accepted, 262145 refused, label value 64 characters refused`
    );
  },
  { cluster: true }
);

test(
  'hostile: the overview lists the hostile problems and events as text',
  async (context) => {
    await ensureCorpus(context.stack);
    const page = await openTrapped(context, `${APP}/overview?cluster=${CLUSTER}&namespace=${NS}`);
    await inspect(page, 'overview', () => page.getByTestId('problems-list').waitFor({ timeout: 30_000 }), [
      EVENT_MESSAGE,
      PULL,
      'W'.repeat(200),
    ]);
    // Control: the same checks catch a payload that does become markup and run.
    await page.evaluate(
      `document.body.insertAdjacentHTML('beforeend', '<img id="pwn-control" src="data:image/png;base64,AA" onerror="window.__pwned=1">')`
    );
    await page.waitForTimeout(500);
    const caught = ((await page.evaluate(INSPECT)) as { bad: string[] }).bad.join('\n');
    expect(
      /payload element <img id=pwn-control>/.test(caught) &&
        /inline handler IMG onerror/.test(caught) &&
        /set window.__pwned = 1/.test(caught),
      `the checks catch a planted payload; got:\n${caught}`
    );
    await page.evaluate(`document.getElementById('pwn-control').remove(); window.__hostileHits.length = 0`);
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'hostile: the app map, the nodes page and the topology show the hostile workloads, ingress and pods',
  async (context) => {
    await ensureCorpus(context.stack);
    const apps = await openTrapped(context, `${APP}/applications?cluster=${CLUSTER}&namespace=${NS}`);
    await inspect(apps, 'applications', () => apps.getByTestId('appmap').waitFor({ timeout: 30_000 }), [
      'hostile-web',
      '<img id="pwn-ingress-path"',
    ]);
    const nodes = await openTrapped(context, `${APP}/nodes?cluster=${CLUSTER}`);
    await inspect(nodes, 'nodes', () => nodes.getByTestId('node-card').first().waitFor({ timeout: 30_000 }), []);
    // The topology draws names as SVG text: a payload there must stay text too.
    const topology = await openTrapped(context, `${APP}/topology?cluster=${CLUSTER}&namespace=${NS}`);
    await inspect(
      topology,
      'topology',
      () => topology.getByTestId('topology-node').first().waitFor({ timeout: 30_000 }),
      ['hostile-web']
    );
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  "hostile: every tab of the hostile objects' details drawer shows the payloads as text",
  async (context) => {
    await ensureCorpus(context.stack);
    const views: Array<[string, string, string[]]> = [
      ['Deployment/hostile/hostile-web', '', [IMAGE, '<script id="pwn-restarted-at">']],
      ['Deployment/hostile/hostile-web', 'containers', [IMAGE]],
      ['Deployment/hostile/hostile-web', 'events', ['<a id="pwn-event-history"']],
      ['Deployment/hostile/hostile-web', 'yaml', ['javascript:window.__pwned', 'pwn-env-value', 'pwn-args']],
      // scenarios/hostile/pod-logs/hostile.cri: markup, ANSI escapes (an OSC 8 javascript: link), control characters.
      [
        'Deployment/hostile/hostile-web',
        'logs',
        ['<img id="pwn-log"', 'ERROR ansi-colours', 'nul␀ bell␇', 'osc8-link'],
      ],
      ['Deployment/hostile/hostile-pull', 'containers', ['pwn-pull-image']],
      ['Deployment/hostile/hostile-big', '', ['W'.repeat(200)]],
      ['Deployment/hostile/hostile-big', 'containers', ['W'.repeat(200)]],
      ['Deployment/hostile/hostile-big', 'yaml', ['W'.repeat(200)]],
      ['Service/hostile/hostile-web', 'events', [EVENT_MESSAGE, 'evil', 'W'.repeat(200)]],
      ['Service/hostile/hostile-web', 'yaml', ['pwn-svc-annotation']],
      ['Ingress/hostile/hostile', '', ['hostile.example.com']],
      ['Ingress/hostile/hostile', 'yaml', ['pwn-ingress-path']],
      ['Pod/hostile/many-labels', '', ['hostile.kubeatlas.io/l-9999=v9999']],
      ['Pod/hostile/many-labels', 'yaml', ['hostile.kubeatlas.io/l-9999: v9999']],
      ['Namespace/hostile', 'yaml', ['data:text/html', 'ns-angular']],
    ];
    let page: Page | undefined;
    // Every view is judged, then every failure named at once.
    const failures: string[] = [];
    const timings: string[] = [];
    for (const [detail, tab, texts] of views) {
      const started = Date.now();
      const url = `${APP}/applications?cluster=${CLUSTER}&namespace=${NS}&detail=${encodeURIComponent(detail)}${tab ? `&tab=${tab}` : ''}`;
      if (page) {
        await page.goto(new URL(`${url}&role=Viewer`, context.sandbox.url).toString());
      } else {
        page = await openTrapped(context, url);
      }
      const drawer = page.getByRole('dialog');
      // From the page's load to the drawer's tab on screen: what 10,000 labels or a 64 KiB string cost a viewer.
      const ready = async () => {
        await (tab === 'yaml' ? drawer.getByTestId('yaml') : drawer).waitFor({ timeout: 30_000 });
        timings.push(`${detail} ${tab || 'summary'} ${Date.now() - started} ms`);
      };
      await inspect(page, `${detail} ${tab || 'summary'}`, ready, texts).catch((error: Error) =>
        failures.push(error.message)
      );
      const shot = `hostile-drawer-${detail.replace(/\//g, '-')}-${tab || 'summary'}.png`;
      await page.screenshot({ path: path.join(artifactsDir, shot) });
    }
    console.log(`     drawer shown after: ${timings.join(', ')}`);
    expect(failures.length === 0, failures.join('\n'));
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  "hostile: the datasource's tables show the hostile rows as text",
  async (context) => {
    await ensureCorpus(context.stack);
    const page = await openTrapped(context, `/sandbox/query/${CLUSTER}`);
    for (const [table, texts] of [
      ['deployments', ['hostile-web']],
      ['pods', ['many-labels']],
      ['events', [EVENT_MESSAGE]],
      ['ingresses', ['hostile.example.com']],
    ] as const) {
      await page.locator('#kubeatlas-resource-A').click();
      await page.getByRole('option', { name: table, exact: true }).click();
      await page.locator('#kubeatlas-namespace-A').fill(NS);
      await page.getByRole('button', { name: 'Run query' }).click();
      // No width check: the frame is drawn by the sandbox's plain HTML table (sandbox/host), not by Grafana's table
      // panel, which fixes column widths; a 64 KiB image makes that table about 940,000 px wide.
      await inspect(
        page,
        `datasource ${table}`,
        () => page.getByTestId('sandbox-frame').waitFor(),
        [...texts],
        'unchecked'
      );
    }
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  'hostile: the corpus is removed again for the specs that follow',
  async ({ stack }) => {
    await ensureCorpus(stack);
    const api = stack!.testbed.api;
    await api.request('DELETE', `/api/v1/namespaces/${NS}`);
    const deadline = Date.now() + 120_000;
    while ((await api.request('GET', `/api/v1/namespaces/${NS}`)).status !== 404) {
      expect(Date.now() < deadline, `namespace ${NS} still there after 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    applied = undefined;
  },
  { cluster: true }
);

/**
 * E2E helper API (for every spec under e2e/; run with `npm run e2e [-- e2e/<file>.e2e.ts ...] [-- --grep text]`).
 *
 *   import { test, expect } from './harness';
 *
 *   test('the overview lists problems', async ({ open, sandbox, stack, request }) => {
 *     const page = await open('/a/kubeatlas-kubernetes-app/overview', { role: 'Viewer', theme: 'light' });
 *     await page.getByRole('heading', { name: 'Overview' }).waitFor();
 *     expect(await page.getByText('CrashLoopBackOff').count() > 0, 'a crashing pod is listed');
 *   }, { cluster: true });
 *
 * - `test(name, body, options)` registers a test. options.cluster starts, once per run, the stack of
 *   testbed/src/stack.ts (the real control plane with the demo scenario, the metrics stand-in, real Prometheus and
 *   node-exporter, free ports) and restarts the sandbox so
 *   that provisioning/ points at it: datasources `kubeatlas-demo` (token of the KubeAtlas service account) and
 *   `kubeatlas-prometheus`; `stack.waitForScrapes()` waits for Prometheus data.
 *   options.expectHttpErrors lists [urlPattern, status] pairs of failed requests the test provokes on purpose.
 * - `open(path, { role, theme })` opens a page in this test's fresh browser context as Viewer / Editor / Admin
 *   (default Admin), dark or light. Every page is screenshotted to artifacts/e2e/<test>-<n>.png when the test ends.
 * - The test fails on any console error, uncaught exception or failed request not listed in expectHttpErrors, and
 *   when the testbed's token or a datasource's secret appears in a response, a console line or a page (secretScan.ts;
 *   the runner's output and the stack's log files are scanned when the run ends).
 * - `responses` holds every response the browser received in this test (url, status, body text) for scans;
 *   `request` is the context's API client (shares the role cookie); `sandbox.url`; `stack.apiUrl/token/caPem`.
 * - `createDatasource(settings)` adds a datasource through POST /api/datasources as Admin and returns its uid; it is
 *   deleted when the test ends;
 *   `clusterDatasource()` gives settings that reach the testbed, to derive variants (wrong token, bad URL) from.
 * Headless Debian Chromium (/usr/bin/chromium) through playwright-core: no browser download.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type APIRequestContext, type Browser, type Page } from 'playwright-core';
import { startStack, type Stack } from '../testbed/src/stack';
import { repoRoot } from '../sandbox/server/paths';
import { provisioningEnv, startSandbox, type RunningSandbox } from '../sandbox/server/sandbox';
import { SecretScan } from './secretScan';

export type Role = 'Viewer' | 'Editor' | 'Admin';

export interface ReceivedResponse {
  url: string;
  status: number;
  body: string;
}

export interface TestContext {
  sandbox: RunningSandbox;
  stack?: Stack;
  open(pathname: string, options?: { role?: Role; theme?: 'dark' | 'light' }): Promise<Page>;
  request: APIRequestContext;
  responses: ReceivedResponse[];
  createDatasource(settings: Record<string, unknown>): Promise<string>;
  /** The datasource settings (jsonData + secureJsonData) that reach the testbed, to derive variants from. */
  clusterDatasource(): Record<string, unknown>;
  /** Waits until no request but watches is in flight (the pages' watches never end, so "network idle" never comes). */
  settle(timeoutMs?: number): Promise<void>;
}

export interface TestOptions {
  cluster?: boolean;
  expectHttpErrors?: Array<[RegExp, number]>;
}

interface RegisteredTest {
  name: string;
  file: string;
  body: (context: TestContext) => Promise<void>;
  options: TestOptions;
}

export const registeredTests: RegisteredTest[] = [];
let currentFile = '';
export function setCurrentFile(file: string): void {
  currentFile = file;
}

export function test(name: string, body: (context: TestContext) => Promise<void>, options: TestOptions = {}): void {
  registeredTests.push({ name, file: currentFile, body, options });
}

export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(`Expectation failed: ${message}`);
  }
}

export const artifactsDir = path.join(repoRoot, 'artifacts/e2e');
export const CLUSTER_DATASOURCE_UID = 'e2e-cluster';

/** Shared across the run: one browser, one sandbox, one testbed stack (started on first need). */
export class Environment {
  private browser?: Browser;
  private sandbox?: RunningSandbox;
  private stack?: Stack;
  private stackFailure?: Error;
  private stackLog?: fs.WriteStream;
  private readonly secrets = new SecretScan();

  async start(): Promise<void> {
    fs.mkdirSync(artifactsDir, { recursive: true });
    this.secrets.watchOutput();
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      // Playwright gives each launch a fresh temporary --user-data-dir.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    });
  }

  private async ensureSandbox(withCluster: boolean): Promise<RunningSandbox> {
    if (withCluster && !this.stack) {
      if (this.stackFailure) {
        throw this.stackFailure;
      }
      const log = fs.createWriteStream(path.join(artifactsDir, 'stack.log'));
      this.stackLog = log;
      try {
        this.stack = await startStack({
          scrapeIntervalSeconds: 2,
          log: (line) => log.write(`${line}\n`),
        });
        this.secrets.addSecret(this.stack.token);
      } catch (error) {
        this.stackFailure = new Error(`The testbed stack did not start: ${(error as Error).message}`);
        throw this.stackFailure;
      }
      await this.sandbox?.stop();
      this.sandbox = undefined;
    }
    if (!this.sandbox) {
      this.sandbox = await startSandbox({
        env: { ...process.env, ...(this.stack ? provisioningEnv(this.stack) : {}) },
      });
    }
    return this.sandbox;
  }

  clusterDatasource(): Record<string, unknown> {
    const stack = this.stack;
    if (!stack) {
      throw new Error('clusterDatasource() needs a test registered with { cluster: true }');
    }
    return {
      name: 'E2E cluster',
      type: 'kubeatlas-kubernetes-datasource',
      access: 'proxy',
      url: '',
      jsonData: { clusterUrl: stack.apiUrl, tlsAuthWithCACert: true, timeout: 10 },
      secureJsonData: { bearerToken: stack.token, tlsCACert: stack.caPem },
    };
  }

  private async asAdmin<T>(sandbox: RunningSandbox, work: (admin: APIRequestContext) => Promise<T>): Promise<T> {
    const admin = await this.browser!.newContext({ baseURL: sandbox.url });
    try {
      await admin.request.get('/?role=Admin');
      return await work(admin.request);
    } finally {
      await admin.close();
    }
  }

  async run(registered: RegisteredTest): Promise<void> {
    const sandbox = await this.ensureSandbox(registered.options.cluster === true);
    const context = await this.browser!.newContext({ baseURL: sandbox.url, viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    const pages: Page[] = [];
    const responses: ReceivedResponse[] = [];
    const expected = registered.options.expectHttpErrors ?? [];
    const isExpected = (url: string, status: number) =>
      expected.some(([pattern, code]) => code === status && pattern.test(url));
    const pending: Array<Promise<void>> = [];
    const created: string[] = [];
    // Requests in flight, watches left out: a page that watches is never idle on the network.
    const inFlight = new Set<object>();
    let lastActivity = Date.now();
    // A followed pod log (the Logs tab) is held open like a watch.
    const isWatchUrl = (url: string) => /[?&](watch=1|follow=true)/.test(url);
    context.on('request', (request) => {
      if (!isWatchUrl(request.url())) {
        inFlight.add(request);
        lastActivity = Date.now();
      }
    });
    const done = (request: object) => {
      if (inFlight.delete(request)) {
        lastActivity = Date.now();
      }
    };
    context.on('requestfinished', done);
    context.on('requestfailed', done);
    /** Resolves once no request but watches has been in flight for 500 ms, or after `timeoutMs`. */
    const settle = async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && (inFlight.size > 0 || Date.now() - lastActivity < 500)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    context.on('response', (response) => {
      this.secrets.check(`the headers of ${response.url()}`, JSON.stringify(response.headers()));
      // A watch's body ends only when the watch does: waiting for it would hold the test until timeoutSeconds.
      if (isWatchUrl(response.url())) {
        responses.push({ url: response.url(), status: response.status(), body: '' });
      } else {
        pending.push(
          response
            .body()
            .then((body) => {
              responses.push({ url: response.url(), status: response.status(), body: body.toString('utf8') });
            })
            .catch(() => undefined)
        );
      }
      if (response.status() >= 400 && !isExpected(response.url(), response.status())) {
        problems.push(`HTTP ${response.status()} from ${response.request().method()} ${response.url()}`);
      }
    });
    context.on('page', (page) => {
      pages.push(page);
      page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
      page.on('console', (message) => {
        this.secrets.check(`a console ${message.type()} line of ${page.url()}`, message.text());
        if (message.type() !== 'error') {
          return;
        }
        // Chromium reports every HTTP error as a console error; those are judged by the response handler above.
        if (/^Failed to load resource: the server responded with a status of \d+/.test(message.text())) {
          return;
        }
        problems.push(`console error: ${message.text()}`);
      });
    });

    const slug = `${path.basename(registered.file, '.e2e.ts')}-${registered.name}`
      .replace(/[^\w-]+/g, '-')
      .slice(0, 90);
    const testContext: TestContext = {
      sandbox,
      stack: this.stack,
      request: context.request,
      responses,
      open: async (pathname, options = {}) => {
        const page = await context.newPage();
        const url = new URL(pathname, sandbox.url);
        url.searchParams.set('role', options.role ?? 'Admin');
        url.searchParams.set('theme', options.theme ?? 'dark');
        await page.goto(url.toString());
        return page;
      },
      createDatasource: (settings) =>
        this.asAdmin(sandbox, async (admin) => {
          this.secrets.addDatasourceSecrets(settings);
          const response = await admin.post('/api/datasources', { data: settings });
          const body = (await response.json()) as { datasource?: { uid: string }; message?: string };
          if (!response.ok() || !body.datasource) {
            throw new Error(`POST /api/datasources → ${response.status()} ${body.message ?? ''}`);
          }
          created.push(body.datasource.uid);
          return body.datasource.uid;
        }),
      clusterDatasource: () => this.clusterDatasource(),
      settle,
    };

    let failure: Error | undefined;
    try {
      await registered.body(testContext);
    } catch (error) {
      failure = error as Error;
    }
    // Let late errors and bodies arrive before judging.
    await settle(5000);
    await Promise.all(pending);
    for (const response of responses) {
      this.secrets.check(`the body of ${response.url}`, response.body);
    }
    fs.mkdirSync(artifactsDir, { recursive: true });
    for (const [index, page] of pages.entries()) {
      if (!page.isClosed()) {
        this.secrets.check(`the page ${page.url()}`, await page.content().catch(() => ''));
        await page
          .screenshot({ path: path.join(artifactsDir, `${slug}-${index + 1}.png`), fullPage: true })
          .catch(() => undefined);
      }
    }
    await context.close();
    // A test's datasources go with it: the next test's pages would otherwise pick them as the cluster to show.
    await this.asAdmin(sandbox, async (admin) => {
      for (const uid of created) {
        await admin.delete(`/api/datasources/uid/${uid}`);
      }
    });
    const leaks = this.secrets.takeFindings();
    if (leaks.length > 0) {
      problems.push(`a secret of the run (the testbed token or a datasource's secureJsonData) in: ${leaks.join('; ')}`);
    }
    if (failure) {
      throw problems.length > 0 ? new Error(`${failure.message}\n${problems.join('\n')}`) : failure;
    }
    if (problems.length > 0) {
      throw new Error(`The browser reported:\n  ${problems.join('\n  ')}`);
    }
  }

  /** Stops everything; returns where the run's output and logs carried a secret (nothing when clean). */
  async stop(): Promise<string[]> {
    await this.browser?.close();
    await this.sandbox?.stop();
    if (this.stack) {
      // The components' own logs, for a failed run's artifacts (the work folders go with stop()).
      for (const dir of [this.stack.testbed.logDir, this.stack.logDir]) {
        fs.cpSync(dir, path.join(artifactsDir, 'logs'), { recursive: true });
      }
      this.secrets.checkLogs(path.join(artifactsDir, 'logs'));
    }
    if (this.stackLog) {
      await new Promise((resolve) => this.stackLog!.end(resolve));
      this.secrets.checkLogs(this.stackLog.path.toString());
    }
    await this.stack?.stop();
    return this.secrets.takeFindings();
  }
}

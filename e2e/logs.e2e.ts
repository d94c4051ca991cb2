/**
 * The details drawer's Logs tab on the demo cluster: kube-apiserver's pods/log, served by kwok from the CRI file of
 * the testbed's work folder (testbed.podLogsFile()). Lines shown, search marks, the options in the URL, download,
 * follow showing lines appended to that file while the page is open, a hostile line (markup, ANSI escapes, control
 * characters) rendered as text, and a StatefulSet's pods merged by time with a pod label per line, only some of them
 * followed over the sandbox's HTTP/1.1.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import type { Stack } from '../testbed/src/stack';
import { expect, test } from './harness';

const APP = '/a/kubeatlas-kubernetes-app';
const CLUSTER = 'kubeatlas-demo';
const FONTS: [RegExp, number] = [/\/public\/fonts\//, 404];

function stackOf(stack: Stack | undefined): Stack {
  if (!stack) {
    throw new Error('the logs tests need the testbed stack ({ cluster: true })');
  }
  return stack;
}

async function podNames(stack: Stack, namespace: string, prefix: string): Promise<string[]> {
  const pods = await stack.testbed.api.get<{ items: Array<{ metadata: { name: string } }> }>(
    `/api/v1/namespaces/${namespace}/pods`
  );
  return pods.items.map((p) => p.metadata.name).filter((name) => name.startsWith(prefix));
}

/** Lines appended to the log kwok serves for every demo pod, stamped now. */
function appendLog(stack: Stack, messages: string[]) {
  const now = new Date().toISOString();
  fs.appendFileSync(stack.testbed.podLogsFile(), messages.map((m) => `${now} stdout F ${m}\n`).join(''));
}

async function waitForText(page: Page, text: string, what: string) {
  const lines = page.getByRole('dialog').getByTestId('log-lines');
  for (let i = 0; i < 60; i++) {
    if ((await lines.innerText()).includes(text)) {
      return;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`Expectation failed: ${what}; the lines show:\n${(await lines.innerText()).slice(-2000)}`);
}

test(
  "Logs: a pod's lines, search marks, download, and follow shows lines appended while the page is open",
  async ({ open, stack }) => {
    const ground = stackOf(stack);
    const [pod] = await podNames(ground, 'shop', 'frontend-');
    const detail = encodeURIComponent(`Pod/shop/${pod}`);
    const page = await open(`${APP}/applications?cluster=${CLUSTER}&detail=${detail}&tab=logs`, { role: 'Viewer' });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('log-line').first().waitFor({ timeout: 30_000 });
    await waitForText(page, 'listening on :8080', "the pod's log is shown");

    await drawer.getByLabel('Search the log').fill('HEALTHZ');
    await page.waitForURL(/logSearch=HEALTHZ/);
    const marks = await drawer.locator('mark').allInnerTexts();
    expect(marks.length >= 2 && marks.every((m) => m === 'healthz'), `the matches are marked: ${marks.join(', ')}`);
    const status = await drawer.getByTestId('logs-status').innerText();
    expect(/, 2 matching "HEALTHZ"/.test(status), `the matching lines are counted: ${status}`);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      drawer.getByRole('button', { name: 'Download' }).click(),
    ]);
    const saved = fs.readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename() === `shop_${pod}_frontend.log`, `named ${download.suggestedFilename()}`);
    expect(/Z INFO {2}listening on :8080\n/.test(saved), `the download holds the lines with their times`);

    await drawer.getByLabel('Search the log').fill('');
    await drawer.getByText('Follow', { exact: true }).click();
    await page.waitForURL(/logFollow=true/);
    await drawer.getByTestId('log-line').first().waitFor({ timeout: 30_000 });
    const token = `e2e-follow-${Date.now()}`;
    // Wait until the followed stream has delivered its first lines, so the appended ones arrive on it.
    await waitForText(page, 'listening on :8080', 'the followed log is shown');
    appendLog(ground, [`${token} one`, `${token} two`]);
    await waitForText(page, `${token} two`, 'the appended lines arrive on the followed stream');

    appendLog(ground, [
      `<img src=x onerror=alert(1)> \x1b[1;31mred-${token}\x1b[0m bell\x07 \x1b]8;;javascript:alert(2)\x07osc`,
    ]);
    await waitForText(page, `<img src=x onerror=alert(1)> red-${token} bell␇ osc`, 'the hostile line is text');
    expect((await drawer.locator('img[src="x"], a[href^="javascript"]').count()) === 0, 'no markup from the log');
    const red = drawer.getByText(`red-${token}`, { exact: true });
    const style = await red.evaluate((el) => [getComputedStyle(el).fontWeight, getComputedStyle(el).color]);
    expect(style[0] === '700' && style[1] === 'rgb(224, 85, 97)', `the ANSI colour is a style: ${style.join(' ')}`);
    expect(dialogs.length === 0, `no dialog opened: ${dialogs.join('; ')}`);

    // The view is in the URL: a reload shows the same followed log.
    await page.reload();
    await waitForText(page, `red-${token}`, 'the reloaded link shows the same log');
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

test(
  "Logs: a StatefulSet's pods merged by time with a pod label per line, only some followed over HTTP/1.1",
  async ({ open, stack }) => {
    const ground = stackOf(stack);
    const pods = await podNames(ground, 'data', 'kafka-');
    expect(pods.length === 3, `kafka has 3 pods: ${pods.join(', ')}`);
    const page = await open(
      `${APP}/applications?cluster=${CLUSTER}&detail=${encodeURIComponent('StatefulSet/data/kafka')}&tab=logs&logTimestamps=true&logFollow=true`,
      { role: 'Viewer' }
    );
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('log-line').first().waitFor({ timeout: 30_000 });
    const followed = await drawer.getByTestId('logs-followed').innerText();
    expect(/Following 2 of 3 pods at once: over HTTP\/1\.1/.test(followed), `says only some are followed: ${followed}`);
    const token = `e2e-merge-${Date.now()}`;
    appendLog(ground, [token]);
    // Two followed pods get the line; the third was read once, before it.
    await waitForText(page, token, 'the followed pods show the appended line');
    const rows = await drawer
      .getByTestId('log-line')
      .evaluateAll((elements) =>
        elements.map((el) => Array.from(el.children).map((child) => (child as HTMLElement).innerText))
      );
    const labelled = rows.filter((cells) => pods.includes(cells[0]));
    expect(labelled.length === rows.length, `every line names its pod: ${JSON.stringify(rows.slice(0, 3))}`);
    const stamps = rows.map((cells) => cells[1]);
    // RFC 3339 with up to 9 fraction digits and trailing zeros trimmed: compared as times, to the millisecond.
    const ms = (stamp: string) => Date.parse(stamp.replace(/\.(\d{1,3})\d*/, '.$1'));
    const ordered = stamps.every((s, i) => i === 0 || ms(stamps[i - 1]) <= ms(s));
    expect(ordered, `lines are merged by time: ${stamps.join(', ')}`);
    const withToken = rows.filter((cells) => cells[2]?.includes(token)).map((cells) => cells[0]);
    expect(withToken.length === 2 && new Set(withToken).size === 2, `two followed pods: ${withToken.join(', ')}`);
    const status = await drawer.getByTestId('logs-status').innerText();
    expect(/from 3 pods, merged by time/.test(status), `the status names the pods: ${status}`);
  },
  { cluster: true, expectHttpErrors: [FONTS] }
);

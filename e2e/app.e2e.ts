import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './harness';

const APP_ID = 'kubeatlas-kubernetes-app';
const appJson = JSON.parse(fs.readFileSync(path.join(__dirname, '../dist/plugin.json'), 'utf8')) as {
  includes: Array<{ type: string; name: string; path?: string; addToNav?: boolean; role?: string }>;
};
const navPages = appJson.includes.filter((include) => include.type === 'page' && include.addToNav);

test(
  'the app loads from dist/ with no console error and the nav lists its pages',
  async ({ open, responses }) => {
    const page = await open(`/a/${APP_ID}`, { role: 'Admin' });
    const nav = page.getByRole('navigation', { name: 'KubeAtlas pages' });
    for (const include of navPages) {
      await nav.getByRole('link', { name: include.name, exact: true }).waitFor();
    }
    // The app's default route took over: the URL is one of the app's own pages.
    await page.waitForURL((url) => url.pathname.startsWith(`/a/${APP_ID}/`));
    expect(
      responses.some(
        (response) => response.url.includes(`/public/plugins/${APP_ID}/module.js`) && response.status === 200
      ),
      'module.js was loaded from the built plugin'
    );
  },
  { cluster: true }
);

test(
  'a Viewer sees only the pages their role allows in the nav',
  async ({ open }) => {
    const page = await open(`/a/${APP_ID}`, { role: 'Viewer' });
    const nav = page.getByRole('navigation', { name: 'KubeAtlas pages' });
    const viewerPages = navPages.filter((include) => !include.role || include.role === 'Viewer');
    await nav.getByRole('link', { name: viewerPages[0].name, exact: true }).waitFor();
    for (const include of navPages.filter((candidate) => candidate.role === 'Admin')) {
      expect(
        (await nav.getByRole('link', { name: include.name, exact: true }).count()) === 0,
        `${include.name} is hidden from a Viewer`
      );
    }
  },
  { cluster: true }
);

test(
  'the app configuration page renders the app config in the light theme',
  async ({ open }) => {
    const page = await open(`/plugins/${APP_ID}`, { role: 'Admin', theme: 'light' });
    await page.getByRole('tab').first().waitFor();
    const theme = await page.evaluate(
      () => (window as unknown as { grafanaBootData: { user: { theme: string } } }).grafanaBootData.user.theme
    );
    expect(theme === 'light', 'the boot data carries the chosen theme');
  },
  { cluster: true }
);

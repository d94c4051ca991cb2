/** @jsxRuntime automatic */
import { act, render, renderHook, screen } from '@testing-library/react';
import { AppPlugin, type AppPluginMeta, PluginExtensionPoints, usePluginContext } from '@grafana/data';
import { config, setBackendSrv, type BackendSrv } from '@grafana/runtime';
import { importAppPlugin } from './pluginLoader';
import { preloadAppExtensions, usePluginComponent, usePluginLinks } from './extensions';

// The real loader needs SystemJS and the host bundle's shared modules; the registry only needs the imported plugin.
jest.mock('./pluginLoader', () => ({ importAppPlugin: jest.fn() }));

const PANEL_MENU = PluginExtensionPoints.DashboardPanelMenu;
const declared = {
  addedLinks: [
    { title: 'Open in test', description: 'Opens it', targets: [PANEL_MENU] },
    { title: 'Mutates the context', description: 'Bad', targets: [PANEL_MENU] },
    { title: 'Hidden here', description: 'Hides', targets: [PANEL_MENU] },
  ],
  addedComponents: [],
  addedFunctions: [],
  exposedComponents: [{ id: 'test-app/card/v1', title: 'Card', description: '' }],
  extensionPoints: [],
};

function testPlugin(): AppPlugin {
  const plugin = new AppPlugin<{}>();
  plugin.addLink<{ pod?: string }>({
    targets: PANEL_MENU,
    title: 'Open in test',
    description: 'Opens it',
    path: '/a/test-app/home',
    configure: (context) => ({ path: `/a/test-app/pods?pod=${context?.pod}`, description: `Pod ${context?.pod}` }),
  });
  plugin.addLink<{ pod?: string }>({
    targets: PANEL_MENU,
    title: 'Mutates the context',
    description: 'Bad',
    path: '/a/test-app/home',
    configure: (context) => {
      (context as { pod?: string }).pod = 'changed';
      return {};
    },
  });
  plugin.addLink({
    targets: PANEL_MENU,
    title: 'Hidden here',
    description: 'Hides',
    path: '/a/test-app/x',
    configure: () => undefined,
  });
  plugin.addLink({ targets: PANEL_MENU, title: 'Not in plugin.json', description: 'x', path: '/a/test-app/x' });
  plugin.addLink({ targets: PANEL_MENU, title: 'Open in test', description: 'Opens it', path: '/d/elsewhere' });
  plugin.exposeComponent({
    id: 'test-app/card/v1',
    title: 'Card',
    component: () => <span>card of {usePluginContext()?.meta.id}</span>,
  });
  plugin.exposeComponent({ id: 'other-app/card/v1', title: 'Stolen id', component: () => null });
  return plugin;
}

describe('the sandbox extension registry', () => {
  const errors: string[] = [];

  beforeAll(async () => {
    jest.spyOn(console, 'error').mockImplementation((message: string) => errors.push(message));
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const meta = { id: 'test-app', enabled: true, name: 'Test' } as AppPluginMeta;
    config.apps = {
      'test-app': { id: 'test-app', path: '', version: '1', preload: false, extensions: declared },
    } as unknown as typeof config.apps;
    setBackendSrv({ get: async () => meta } as unknown as BackendSrv);
    (importAppPlugin as jest.Mock).mockResolvedValue(testPlugin());
    await preloadAppExtensions();
  });

  it('refuses what Grafana refuses, saying why', () => {
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/"Not in plugin.json".*not declared in plugin.json/),
        expect.stringMatching(/"Open in test".*should start with "\/a\/test-app\/"/),
        expect.stringMatching(/"other-app\/card\/v1".*must start with the plugin id/),
      ])
    );
  });

  it('runs configure() on a read-only context: its path and description, hidden on undefined or on a throw', () => {
    errors.length = 0;
    const context = { pod: 'web-1' };
    const { result } = renderHook(() => usePluginLinks({ extensionPointId: PANEL_MENU, context }));
    expect(result.current.isLoading).toBe(false);
    expect(result.current.links.map(({ title, description, path }) => ({ title, description, path }))).toEqual([
      {
        title: 'Open in test',
        description: 'Pod web-1',
        path: '/a/test-app/pods?pod=web-1&uel_pid=test-app&uel_epid=grafana%2Fdashboard%2Fpanel%2Fmenu',
      },
    ]);
    expect(context.pod).toBe('web-1');
    expect(errors).toEqual([expect.stringMatching(/configure\(\) of "Mutates the context" threw/)]);
  });

  it('limits links per plugin', () => {
    const { result } = renderHook(() =>
      usePluginLinks({ extensionPointId: PANEL_MENU, context: { pod: 'a' }, limitPerPlugin: 1 })
    );
    expect(result.current.links).toHaveLength(1);
  });

  it('serves an exposed component inside its plugin’s context', async () => {
    const { result } = renderHook(() => usePluginComponent('test-app/card/v1'));
    const Card = result.current.component!;
    await act(async () => {
      render(<Card />);
    });
    expect(screen.getByText('card of test-app')).toBeTruthy();
    expect(renderHook(() => usePluginComponent('missing-app/card/v1')).result.current).toEqual({
      isLoading: false,
      component: null,
    });
  });
});

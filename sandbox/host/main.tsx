import { useEffect, useState, version as reactVersion } from 'react';
import { createRoot } from 'react-dom/client';
import { Route, Router, Routes } from 'react-router-dom';
import { ThemeContext } from '@grafana/data';
import {
  config,
  locationService,
  setBackendSrv,
  type BackendSrv,
  setDataSourceSrv,
  setPluginComponentHook,
  setPluginLinksHook,
  setTemplateSrv,
} from '@grafana/runtime';
import { GlobalStyles } from '@grafana/ui';
import { SandboxBackendSrv } from './backendSrv';
import { SandboxDataSourceSrv, getTemplateSrvInstance } from './services';
import { preloadAppExtensions, usePluginComponent, usePluginLinks } from './extensions';
import { Layout } from './pages/Layout';
import { HomePage } from './pages/HomePage';
import { AppRootPage } from './pages/AppRootPage';
import { PluginConfigPage } from './pages/PluginConfigPage';
import { DataSourcesPage, DataSourceEditPage } from './pages/DataSourcePages';
import { QueryPage } from './pages/QueryPage';
import { VariablesPage } from './pages/VariablesPage';
import { ExtensionsPage } from './pages/ExtensionsPage';

/**
 * The sandbox host: sets the @grafana/runtime services the way public/app/app.ts does at start-up, then renders a
 * router over locationService's history (public/app/AppWrapper.tsx) with the theme from the boot data.
 */
// Which React the line's host runs, for the e2e smoke to check that a plugin really ran on it.
document.documentElement.dataset.reactVersion = reactVersion;
setBackendSrv(new SandboxBackendSrv() as unknown as BackendSrv);
setDataSourceSrv(new SandboxDataSourceSrv());
const templateSrv = getTemplateSrvInstance();
templateSrv.setFromUrl(new URLSearchParams(window.location.search));
setTemplateSrv(templateSrv);
// Plugins get @grafana/runtime's PluginPage pass-through: the sandbox draws no Grafana page chrome around them.
// The extension hooks as public/app/app.ts sets them, then the apps that declare extensions are loaded.
setPluginLinksHook(usePluginLinks);
setPluginComponentHook(usePluginComponent);
void preloadAppExtensions();

// ?role= and ?theme= were consumed by the server (cookies, boot data); the plugin should see Grafana's URL without them.
const sandboxParams = new URLSearchParams(window.location.search);
if (sandboxParams.has('role') || sandboxParams.has('theme')) {
  sandboxParams.delete('role');
  sandboxParams.delete('theme');
  const { pathname, hash } = window.location;
  locationService.getHistory().replace({ pathname, search: sandboxParams.toString() ? `?${sandboxParams}` : '', hash });
}

function SandboxRoot() {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  useEffect(
    () =>
      history.listen((next: typeof history.location) => {
        templateSrv.setFromUrl(new URLSearchParams(next.search));
        setLocation(next);
      }),
    [history]
  );
  return (
    <ThemeContext.Provider value={config.theme2}>
      <GlobalStyles />
      <Router location={location} navigator={history}>
        <Layout>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/a/:pluginId/*" element={<AppRootPage />} />
            <Route path="/plugins/:pluginId" element={<PluginConfigPage />} />
            <Route path="/connections/datasources" element={<DataSourcesPage />} />
            <Route path="/connections/datasources/edit/:uid" element={<DataSourceEditPage />} />
            <Route path="/sandbox/query/:uid" element={<QueryPage />} />
            <Route path="/sandbox/variables/:uid" element={<VariablesPage />} />
            <Route path="/sandbox/extensions" element={<ExtensionsPage />} />
            <Route path="*" element={<h1>Page not found</h1>} />
          </Routes>
        </Layout>
      </Router>
    </ThemeContext.Provider>
  );
}

createRoot(document.getElementById('reactRoot')!).render(<SandboxRoot />);

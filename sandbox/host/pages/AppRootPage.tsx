import { useMemo } from 'react';
import { useLocation, useParams } from 'react-router-dom';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import { useAppPlugin } from './useAppPlugin';
import { errorMessage } from './useAsync';

/**
 * public/app/features/plugins/components/AppRootPage.tsx: settings from /api/plugins/:id/settings (meta with the
 * provisioned jsonData), the module imported, and `plugin.root` rendered with AppRootProps under /a/<id>.
 */
export function AppRootPage() {
  const { pluginId = '' } = useParams();
  const location = useLocation();
  const { value: plugin, error, loading } = useAppPlugin(pluginId, { requireEnabled: true });
  const query = useMemo(() => Object.fromEntries(new URLSearchParams(location.search)), [location.search]);

  if (loading) {
    return <LoadingPlaceholder text="Loading app…" />;
  }
  if (error || !plugin) {
    return <Alert title="App failed to load">{errorMessage(error)}</Alert>;
  }
  if (!plugin.root) {
    return <Alert title="No root app page component found" />;
  }
  const Root = plugin.root;
  return (
    <Root
      meta={plugin.meta}
      basename={`/a/${pluginId}`}
      onNavChanged={() => {}}
      query={query}
      path={location.pathname}
    />
  );
}

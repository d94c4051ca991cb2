import { Link, useLocation, useParams } from 'react-router-dom';
import { Alert, LoadingPlaceholder, Tab, TabsBar } from '@grafana/ui';
import { useAppPlugin } from './useAppPlugin';
import { errorMessage } from './useAsync';

/** public/app/features/plugins/admin/components/PluginDetailsPage.tsx: the app's configPages as tabs (`?page=<id>`). */
export function PluginConfigPage() {
  const { pluginId = '' } = useParams();
  const location = useLocation();
  const { value: plugin, error, loading } = useAppPlugin(pluginId, { requireEnabled: false });
  if (loading) {
    return <LoadingPlaceholder text="Loading plugin…" />;
  }
  if (error || !plugin) {
    return <Alert title="Plugin failed to load">{errorMessage(error)}</Alert>;
  }
  const query = Object.fromEntries(new URLSearchParams(location.search));
  const pages = plugin.configPages ?? [];
  const active = pages.find((page) => page.id === query.page) ?? pages[0];
  return (
    <section>
      <h1>{plugin.meta.name}</h1>
      <TabsBar>
        {pages.map((page) => (
          <Tab key={page.id} label={page.title} icon={page.icon} active={page === active} href={`?page=${page.id}`} />
        ))}
      </TabsBar>
      {active ? <active.body plugin={plugin} query={query} /> : <p>This app has no configuration page.</p>}
      <p>
        <Link to={`/a/${pluginId}`}>Open the app</Link>
      </p>
    </section>
  );
}

import { type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PluginMeta } from '@grafana/data';
import { config, getBackendSrv } from '@grafana/runtime';
import { useStyles2 } from '@grafana/ui';
import { useAsync } from './useAsync';

type OrgRole = 'Viewer' | 'Editor' | 'Admin';
const RANK: Record<string, number> = { Viewer: 1, Editor: 2, Admin: 3 };

/**
 * The app's nav section as Grafana builds it (pkg/services/navtree/navtreeimpl/applinks.go): plugin.json includes of
 * type page with addToNav, hidden when the user's org role is below the include's role.
 */
function AppNav({ appId }: { appId: string }) {
  const { value: meta } = useAsync(() => getBackendSrv().get<PluginMeta>(`/api/plugins/${appId}/settings`), [appId]);
  const role = config.bootData.user.orgRole as OrgRole;
  const pages = (meta?.includes ?? []).filter(
    (include) => include.type === 'page' && include.addToNav && (!include.role || RANK[role] >= RANK[include.role])
  );
  return (
    <nav aria-label={`${meta?.name ?? appId} pages`}>
      <strong>{meta?.name}</strong>
      <ul>
        {pages.map((page) => (
          <li key={page.name}>
            <Link to={page.path ?? '/'}>{page.name}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  shell: css({ display: 'grid', gridTemplateColumns: '220px 1fr', minHeight: '100vh' }),
  side: css({ borderRight: `1px solid ${theme.colors.border.weak}`, padding: theme.spacing(2) }),
  main: css({ padding: theme.spacing(2), minWidth: 0 }),
});

export function Layout({ children }: { children: ReactNode }) {
  const styles = useStyles2(getStyles);
  const role = config.bootData.user.orgRole;
  return (
    <div className={styles.shell}>
      <aside className={styles.side}>
        <Link to="/">Sandbox home</Link>
        {Object.keys(config.apps).map((appId) => (
          <AppNav key={appId} appId={appId} />
        ))}
        <nav aria-label="Sandbox">
          <ul>
            <li>
              <Link to="/connections/datasources">Data sources</Link>
            </li>
          </ul>
        </nav>
        <p data-testid="sandbox-user">
          Signed in as {role} ·{' '}
          {(['Viewer', 'Editor', 'Admin'] as OrgRole[]).map((next) => (
            <a key={next} href={`?role=${next}`}>
              {next}{' '}
            </a>
          ))}
          · theme <a href="?theme=light">light</a> <a href="?theme=dark">dark</a>
        </p>
      </aside>
      <main className={styles.main}>{children}</main>
    </div>
  );
}

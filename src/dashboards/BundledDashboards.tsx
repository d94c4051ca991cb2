import React, { useEffect, useState } from 'react';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { Alert, Button, LinkButton, LoadingPlaceholder, Stack, Text } from '@grafana/ui';

/** One entry of GET /api/plugins/:pluginId/dashboards (pkg/services/plugindashboards PluginDashboard). */
export interface PluginDashboard {
  uid: string;
  title: string;
  /** The dashboard file inside the plugin, the `path` of its include. */
  path: string;
  imported: boolean;
  importedUrl: string;
  revision: number;
  importedRevision: number;
}

function explain(error: unknown, action: string): string {
  if (isFetchError(error)) {
    if (error.status === 403) {
      return `${action} needs the Admin role in this organisation: ask an administrator.`;
    }
    if (error.status === 404) {
      return `${action} failed: Grafana lists an app's dashboards only while the app is enabled. Enable it above.`;
    }
    return `${action} failed: ${error.data?.message ?? error.statusText ?? `HTTP ${error.status}`}.`;
  }
  return `${action} failed: ${String(error)}.`;
}

/**
 * Lists the dashboards the app bundles (plugin.json includes) and imports them through Grafana's plugin dashboard
 * API, the same calls as Grafana's own Dashboards tab (public/app/features/plugins/admin/components/PluginDashboards.tsx).
 */
export function BundledDashboards({ pluginId, enabled }: { pluginId: string; enabled: boolean }) {
  const [dashboards, setDashboards] = useState<PluginDashboard[]>();
  const [error, setError] = useState<string>();
  const [importing, setImporting] = useState<string>();

  // Bumped after an import so that the list is fetched again.
  const [listVersion, setListVersion] = useState(0);

  useEffect(() => {
    if (!enabled) {
      return;
    }
    let current = true;
    getBackendSrv()
      .get<PluginDashboard[]>(`/api/plugins/${pluginId}/dashboards`)
      .then(
        (list) => {
          if (current) {
            setDashboards(list);
            setError(undefined);
          }
        },
        (e) => {
          if (current) {
            setError(explain(e, 'Listing the dashboards'));
          }
        }
      );
    return () => {
      current = false;
    };
  }, [enabled, pluginId, listVersion]);

  const importDashboard = async (dashboard: PluginDashboard) => {
    setImporting(dashboard.path);
    try {
      // Overwrite: a re-import replaces an older revision of the same uid.
      await getBackendSrv().post('/api/dashboards/import', {
        pluginId,
        path: dashboard.path,
        overwrite: true,
        inputs: [],
      });
      setListVersion((version) => version + 1);
    } catch (e) {
      setError(explain(e, `Importing “${dashboard.title}”`));
    } finally {
      setImporting(undefined);
    }
  };

  if (!enabled) {
    return <Text color="secondary">Enable the app to import its dashboards.</Text>;
  }
  return (
    <Stack direction="column" gap={1}>
      {error && (
        <Alert severity="error" title="Bundled dashboards">
          {error}
        </Alert>
      )}
      {!dashboards && !error && <LoadingPlaceholder text="Loading the bundled dashboards…" />}
      {dashboards?.map((dashboard) => {
        const outdated = dashboard.imported && dashboard.importedRevision !== dashboard.revision;
        return (
          <Stack key={dashboard.path} alignItems="center" justifyContent="space-between">
            <Text>{dashboard.title}</Text>
            <Stack alignItems="center">
              <Text color="secondary">
                {outdated ? 'Update available' : dashboard.imported ? 'Imported' : 'Not imported'}
              </Text>
              {dashboard.imported && dashboard.importedUrl.startsWith('/') && (
                <LinkButton size="sm" variant="secondary" icon="apps" href={dashboard.importedUrl}>
                  Open
                </LinkButton>
              )}
              <Button
                size="sm"
                variant={dashboard.imported && !outdated ? 'secondary' : 'primary'}
                disabled={importing !== undefined}
                onClick={() => importDashboard(dashboard)}
              >
                {importing === dashboard.path ? 'Importing…' : dashboard.imported ? 'Re-import' : 'Import'}
              </Button>
            </Stack>
          </Stack>
        );
      })}
    </Stack>
  );
}

import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { DataSourcePluginMeta, DataSourceSettings, TestDataSourceResponse } from '@grafana/data';
import { selectors } from '@grafana/e2e-selectors';
import { config, getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { Alert, Button, Field, Input, LoadingPlaceholder, Stack, type AlertVariant } from '@grafana/ui';
import { importDataSourcePlugin } from '../pluginLoader';
import { errorMessage, useAsync } from './useAsync';

export function DataSourcesPage() {
  const { value: list } = useAsync(() => getBackendSrv().get<DataSourceSettings[]>('/api/datasources'), []);
  return (
    <section>
      <h1>Data sources</h1>
      <ul>
        {(list ?? []).map((ds) => (
          <li key={ds.uid}>
            <Link to={`/connections/datasources/edit/${ds.uid}`}>{ds.name}</Link> ({ds.typeName ?? ds.type})
          </li>
        ))}
      </ul>
    </section>
  );
}

interface TestResult {
  status: string;
  message: string;
  details?: string;
  verboseDetails?: string;
}

/** DataSourceTestingStatus.tsx getAlertVariant: `ok` is success, Alert's own variants pass, anything else is info. */
function alertVariant(status: string): AlertVariant {
  if (status.toLowerCase() === 'ok') {
    return 'success';
  }
  return (['success', 'info', 'warning', 'error'] as string[]).includes(status) ? (status as AlertVariant) : 'info';
}

/**
 * public/app/features/datasources/components/EditDataSource.tsx and state/actions.ts: the settings from
 * GET /api/datasources/uid/:uid (secureJsonFields, never secrets), the plugin's ConfigEditor, and "Save & test" =
 * PUT /api/datasources/uid/:uid, reload the datasource service, then the plugin's testDatasource(); errors thrown by
 * the test are shown from their `data.message` (parseHealthCheckError); the result as DataSourceTestingStatus.tsx
 * shows it (details.message as text, details.verboseMessage in a <details>).
 */
export function DataSourceEditPage() {
  const { uid = '' } = useParams();
  const [settings, setSettings] = useState<DataSourceSettings>();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<TestResult>();
  const {
    value: plugin,
    error,
    loading,
  } = useAsync(async () => {
    const loaded = await getBackendSrv().get<DataSourceSettings>(`/api/datasources/uid/${uid}`);
    setSettings(loaded);
    const meta = await getBackendSrv().get<DataSourcePluginMeta>(`/api/plugins/${loaded.type}/settings`);
    if (!meta.module.startsWith('public/plugins/')) {
      return undefined;
    }
    return importDataSourcePlugin(meta);
  }, [uid]);

  if (loading) {
    return <LoadingPlaceholder text="Loading data source…" />;
  }
  if (error || !settings) {
    return <Alert title="Data source failed to load">{errorMessage(error)}</Alert>;
  }
  const ConfigEditor = plugin?.components.ConfigEditor;
  const readOnly = settings.readOnly;

  const saveAndTest = async () => {
    setTesting(true);
    setResult(undefined);
    try {
      const saved = await getBackendSrv().put<{ datasource: DataSourceSettings }>(
        `/api/datasources/uid/${uid}`,
        settings
      );
      setSettings(saved.datasource);
      await getDataSourceSrv().reload();
      const api = await getDataSourceSrv().get(uid);
      if (!api.testDatasource) {
        setResult({ status: 'success', message: 'Data source saved' });
        return;
      }
      const response = (await api.testDatasource()) as TestDataSourceResponse;
      setResult({
        status: response.status,
        message: response.message,
        details: (response.details as { message?: string })?.message,
      });
    } catch (failure) {
      setResult({ status: 'error', message: errorMessage(failure) });
    } finally {
      setTesting(false);
    }
  };

  return (
    <section aria-label={selectors.pages.EditDataSource.settings}>
      <h1>{settings.name}</h1>
      {readOnly && (
        <Alert data-testid={selectors.pages.DataSource.readOnly} severity="info" title="Provisioned data source">
          This data source was added by config and cannot be modified using the UI.
        </Alert>
      )}
      <Field label="Name">
        <Input
          data-testid={selectors.pages.DataSource.name}
          value={settings.name}
          disabled={readOnly}
          onChange={(event) => setSettings({ ...settings, name: event.currentTarget.value })}
        />
      </Field>
      {ConfigEditor ? (
        <ConfigEditor options={settings} onOptionsChange={setSettings} />
      ) : (
        <p>
          {config.datasources[settings.name]?.meta.name ?? settings.type} is a core Grafana datasource: its editor is
          not part of the sandbox.
        </p>
      )}
      {result && (
        <Alert
          severity={alertVariant(result.status)}
          title={result.message}
          data-testid={selectors.pages.DataSource.alert}
        >
          {result.details}
          {result.verboseDetails && <details style={{ whiteSpace: 'pre-wrap' }}>{result.verboseDetails}</details>}
        </Alert>
      )}
      <Stack>
        <Button
          data-testid={selectors.pages.DataSource.saveAndTest}
          disabled={readOnly || testing}
          onClick={saveAndTest}
        >
          {testing ? 'Testing…' : 'Save & test'}
        </Button>
        <Link to={`/sandbox/query/${uid}`}>Query</Link>
        <Link to={`/sandbox/variables/${uid}`}>Variable query</Link>
      </Stack>
    </section>
  );
}

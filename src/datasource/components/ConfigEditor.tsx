import React, { FormEvent, useState } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';
import { Auth, ConfigSection, convertLegacyAuthProps } from '@grafana/plugin-ui';
import { Divider, Field, Input, SecretInput, Stack } from '@grafana/ui';
import { checkClusterUrl } from '../config';
import {
  DEFAULT_REFRESH_INTERVAL_SECONDS,
  type KubernetesDataSourceOptions,
  type KubernetesSecureJsonData,
} from '../types';

type Props = DataSourcePluginOptionsEditorProps<KubernetesDataSourceOptions, KubernetesSecureJsonData>;

const BEARER_METHOD = 'custom-bearer-token';
const WIDTH = 60;

/**
 * One cluster per datasource. Authentication is only the bearer token sent by the plugin.json routes: basic auth and
 * custom headers are not offered because they would replace the routes' Authorization header.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;
  const secureJsonData = (options.secureJsonData ?? {}) as KubernetesSecureJsonData;
  const [urlTouched, setUrlTouched] = useState(false);
  const urlCheck = checkClusterUrl(jsonData.clusterUrl);

  const setJson = (patch: Partial<KubernetesDataSourceOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });
  const numberOrUndefined = (event: FormEvent<HTMLInputElement>) =>
    event.currentTarget.value === '' ? undefined : Number(event.currentTarget.value);

  /** A datasource of one type, linked by uid (so renaming it does not break the link). */
  const picker = (pluginId: string, field: 'prometheusDatasourceUid' | 'lokiDatasourceUid') => (
    <DataSourcePicker
      inputId={`kubeatlas-${pluginId}-datasource`}
      pluginId={pluginId}
      current={jsonData[field] ?? null}
      noDefault
      width={WIDTH}
      onChange={(ds) => setJson({ [field]: ds.uid })}
      onClear={() => setJson({ [field]: undefined })}
    />
  );

  // Grafana's standard TLS fields (tlsSkipVerify, tlsAuthWithCACert, tlsAuth, serverName and the certificates):
  // the proxy's HTTP client reads them for every route.
  const { TLS } = convertLegacyAuthProps({ config: options, onChange: onOptionsChange });

  const tokenField = (
    <Field
      label="Bearer token"
      description="Token of the service account KubeAtlas uses (deploy/kubernetes/ creates it). It stays in Grafana: the browser never sees it."
      required
    >
      <SecretInput
        id="kubeatlas-bearer-token"
        width={WIDTH}
        isConfigured={Boolean(secureJsonFields?.bearerToken)}
        value={secureJsonData.bearerToken ?? ''}
        placeholder="eyJhbGciOi…"
        onChange={(event) =>
          onOptionsChange({
            ...options,
            secureJsonData: { ...secureJsonData, bearerToken: event.currentTarget.value },
          })
        }
        onReset={() =>
          onOptionsChange({
            ...options,
            secureJsonFields: { ...secureJsonFields, bearerToken: false },
            secureJsonData: { ...secureJsonData, bearerToken: '' },
          })
        }
      />
    </Field>
  );

  return (
    <>
      <ConfigSection
        title="Cluster"
        description="One datasource per cluster; its name above is the cluster's name in KubeAtlas pages. Fields marked * are required."
      >
        <Field
          label="API server URL"
          description="As in your kubeconfig's clusters[].cluster.server."
          required
          invalid={urlTouched && !urlCheck.ok}
          error={urlCheck.ok ? undefined : urlCheck.reason}
        >
          <Input
            id="kubeatlas-cluster-url"
            width={WIDTH}
            value={jsonData.clusterUrl ?? ''}
            placeholder="https://10.0.0.1:6443"
            onChange={(event) => setJson({ clusterUrl: event.currentTarget.value })}
            onBlur={() => {
              setUrlTouched(true);
              if (urlCheck.ok && urlCheck.url !== jsonData.clusterUrl) {
                setJson({ clusterUrl: urlCheck.url });
              }
            }}
          />
        </Field>
      </ConfigSection>
      <Divider />

      <Auth
        selectedMethod={BEARER_METHOD}
        visibleMethods={[BEARER_METHOD]}
        customMethods={[
          {
            id: BEARER_METHOD,
            label: 'Bearer token',
            description: 'A Kubernetes service account token',
            component: tokenField,
          },
        ]}
        onAuthMethodSelect={() => undefined}
        TLS={TLS}
      />
      <Divider />

      <ConfigSection
        title="Metrics"
        description="The Prometheus that scrapes this cluster (kube-state-metrics v2, node-exporter, cAdvisor). Without it pages show structure but no usage."
      >
        <Field label="Prometheus datasource" description="Chosen by uid, so renaming it does not break the link.">
          {picker('prometheus', 'prometheusDatasourceUid')}
        </Field>
        <Stack direction="row" gap={2}>
          <Field
            label="Cluster label name"
            description="Only for a Prometheus shared by several clusters (Thanos, Mimir)."
          >
            <Input
              id="kubeatlas-cluster-label-name"
              width={28}
              value={jsonData.clusterLabelName ?? ''}
              placeholder="cluster"
              onChange={(event) => setJson({ clusterLabelName: event.currentTarget.value || undefined })}
            />
          </Field>
          <Field label="Cluster label value" description="This cluster's value of that label.">
            <Input
              id="kubeatlas-cluster-label-value"
              width={28}
              value={jsonData.clusterLabelValue ?? ''}
              placeholder="prod-eu-1"
              onChange={(event) => setJson({ clusterLabelValue: event.currentTarget.value || undefined })}
            />
          </Field>
        </Stack>
        <Field
          label="Loki datasource"
          description="Optional: where this cluster's pod logs are kept. The Logs tab then opens them in Explore ({namespace, pod, container})."
        >
          {picker('loki', 'lokiDatasourceUid')}
        </Field>
      </ConfigSection>
      <Divider />

      <ConfigSection title="Behaviour" isCollapsible isInitiallyOpen={false}>
        <Field label="Refresh interval (seconds)" description="How often KubeAtlas pages reload the cluster.">
          <Input
            id="kubeatlas-refresh-interval"
            type="number"
            min={5}
            width={20}
            value={jsonData.refreshIntervalSeconds ?? ''}
            placeholder={String(DEFAULT_REFRESH_INTERVAL_SECONDS)}
            onChange={(event) => setJson({ refreshIntervalSeconds: numberOrUndefined(event) })}
          />
        </Field>
        <Field label="Request timeout (seconds)" description="Grafana's proxy timeout for each request to the cluster.">
          <Input
            id="kubeatlas-timeout"
            type="number"
            min={1}
            width={20}
            value={jsonData.timeout ?? ''}
            placeholder="30"
            onChange={(event) => setJson({ timeout: numberOrUndefined(event) })}
          />
        </Field>
      </ConfigSection>
    </>
  );
}

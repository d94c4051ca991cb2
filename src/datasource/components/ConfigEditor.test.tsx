import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import type { DataSourceSettings } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import type { KubernetesDataSourceOptions, KubernetesSecureJsonData } from '../types';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  // The picker needs Grafana's datasource registry; its own behaviour is Grafana's. Here: what it is given.
  DataSourcePicker: (props: { current: string | null; pluginId: string }) => (
    <div data-testid={`${props.pluginId}-picker`}>{`${props.pluginId}:${props.current ?? 'none'}`}</div>
  ),
}));

type Settings = DataSourceSettings<KubernetesDataSourceOptions, KubernetesSecureJsonData>;

function settings(patch: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'k8s',
    orgId: 1,
    name: 'Cluster',
    type: 'kubeatlas-kubernetes-datasource',
    typeName: 'KubeAtlas Kubernetes',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData: {},
    secureJsonFields: {},
    ...patch,
  } as Settings;
}

function renderEditor(options: Settings) {
  const onOptionsChange = jest.fn();
  render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
  return onOptionsChange;
}

describe('ConfigEditor', () => {
  it('shows why the cluster URL is unusable once the field was left, and normalizes a valid one', () => {
    const change = renderEditor(settings({ jsonData: { clusterUrl: '10.0.0.1:6443' } }));
    const input = screen.getByPlaceholderText('https://10.0.0.1:6443');
    expect(screen.queryByText(/scheme/)).not.toBeInTheDocument();
    fireEvent.blur(input);
    expect(screen.getByText(/scheme/)).toBeInTheDocument();
    change.mockClear();

    const valid = renderEditor(settings({ jsonData: { clusterUrl: 'https://10.0.0.1:6443/' } }));
    fireEvent.blur(screen.getAllByPlaceholderText('https://10.0.0.1:6443')[1]);
    expect(valid).toHaveBeenCalledWith(expect.objectContaining({ jsonData: { clusterUrl: 'https://10.0.0.1:6443' } }));
  });

  it('keeps the token in secureJsonData and offers reset once it is configured', () => {
    const change = renderEditor(settings());
    fireEvent.change(screen.getByPlaceholderText('eyJhbGciOi…'), { target: { value: 'secret-token' } });
    expect(change).toHaveBeenLastCalledWith(
      expect.objectContaining({ secureJsonData: { bearerToken: 'secret-token' }, jsonData: {} })
    );

    const configured = renderEditor(settings({ secureJsonFields: { bearerToken: true } }));
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(configured).toHaveBeenLastCalledWith(
      expect.objectContaining({ secureJsonFields: { bearerToken: false }, secureJsonData: { bearerToken: '' } })
    );
  });

  it("offers Grafana's TLS settings, no basic auth and no custom headers", () => {
    renderEditor(settings({ jsonData: { tlsAuthWithCACert: true } }));
    expect(screen.getByText('Add self-signed certificate')).toBeInTheDocument();
    expect(screen.getByText('TLS Client Authentication')).toBeInTheDocument();
    expect(screen.getByText('Skip TLS certificate validation')).toBeInTheDocument();
    expect(screen.queryByText(/Basic authentication/i)).not.toBeInTheDocument();
    expect(screen.queryByText(/HTTP headers/i)).not.toBeInTheDocument();
  });

  it('links Prometheus by uid through a Prometheus-only picker', () => {
    renderEditor(settings({ jsonData: { prometheusDatasourceUid: 'prom-1' } }));
    expect(screen.getByTestId('prometheus-picker')).toHaveTextContent('prometheus:prom-1');
  });

  it('links an optional Loki datasource by uid through a Loki-only picker', () => {
    renderEditor(settings({ jsonData: { lokiDatasourceUid: 'loki-1' } }));
    expect(screen.getByTestId('loki-picker')).toHaveTextContent('loki:loki-1');
    renderEditor(settings());
    expect(screen.getAllByTestId('loki-picker')[1]).toHaveTextContent('loki:none');
  });
});

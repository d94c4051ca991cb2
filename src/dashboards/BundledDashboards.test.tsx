import React from 'react';
import { render, screen, fireEvent, waitFor } from '@testing-library/react';
import { getBackendSrv } from '@grafana/runtime';

import { BundledDashboards, PluginDashboard } from './BundledDashboards';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

const listed: PluginDashboard[] = [
  {
    uid: 'kubeatlas-cluster',
    title: 'KubeAtlas / Cluster overview',
    path: 'dashboards/cluster.json',
    imported: false,
    importedUrl: '',
    revision: 1,
    importedRevision: 0,
  },
  {
    uid: 'kubeatlas-pod',
    title: 'KubeAtlas / Pod',
    path: 'dashboards/pod.json',
    imported: true,
    importedUrl: '/d/kubeatlas-pod/kubeatlas-pod',
    revision: 2,
    importedRevision: 1,
  },
];

function backend(get: jest.Mock, post: jest.Mock = jest.fn()) {
  (getBackendSrv as jest.Mock).mockReturnValue({ get, post });
}

describe('BundledDashboards', () => {
  it("lists Grafana's plugin dashboards with their state and imports one by plugin id and path", async () => {
    const get = jest
      .fn()
      .mockResolvedValueOnce(listed)
      .mockResolvedValueOnce([
        { ...listed[0], imported: true, importedRevision: 1, importedUrl: '/d/kubeatlas-cluster/x' },
        listed[1],
      ]);
    const post = jest.fn().mockResolvedValue({});
    backend(get, post);
    render(<BundledDashboards pluginId="kubeatlas-kubernetes-app" enabled />);

    expect(await screen.findByText('KubeAtlas / Cluster overview')).toBeInTheDocument();
    expect(get).toHaveBeenCalledWith('/api/plugins/kubeatlas-kubernetes-app/dashboards');
    expect(screen.getByText('Not imported')).toBeInTheDocument();
    expect(screen.getByText('Update available')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Open/ })).toHaveAttribute('href', '/d/kubeatlas-pod/kubeatlas-pod');

    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.getAllByText('Imported')).toHaveLength(1));
    expect(post).toHaveBeenCalledWith('/api/dashboards/import', {
      pluginId: 'kubeatlas-kubernetes-app',
      path: 'dashboards/cluster.json',
      overwrite: true,
      inputs: [],
    });
  });

  it('names the missing role when Grafana refuses the import', async () => {
    backend(
      jest.fn().mockResolvedValue(listed),
      jest.fn().mockRejectedValue({ status: 403, data: { message: 'Permission denied' } })
    );
    render(<BundledDashboards pluginId="kubeatlas-kubernetes-app" enabled />);
    fireEvent.click(await screen.findByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/needs the Admin role/)).toBeInTheDocument();
  });

  it('asks to enable the app before listing anything', () => {
    const get = jest.fn();
    backend(get);
    render(<BundledDashboards pluginId="kubeatlas-kubernetes-app" enabled={false} />);
    expect(screen.getByText(/Enable the app/)).toBeInTheDocument();
    expect(get).not.toHaveBeenCalled();
  });
});

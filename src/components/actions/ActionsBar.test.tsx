import React from 'react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { K8sClient } from '../../k8s/client';
import type { HttpRequest } from '../../k8s/http';
import { grafanaProxyRoutes } from '../../k8s/routes';
import type { AnyModel } from '../../model/types';
import type { ClusterDatasource } from '../../pages/state/clusters';
import { clientFor } from '../../pages/state/loadCluster';
import { writeAccess } from '../details/permissions';
import { ActionsBar } from './ActionsBar';

jest.mock('../../pages/state/loadCluster', () => ({ clientFor: jest.fn() }));
jest.mock('../details/permissions', () => ({ writeAccess: jest.fn() }));

const cluster = { uid: 'ds-1', name: 'demo' } as unknown as ClusterDatasource;
const deployment = {
  kind: 'Deployment',
  namespace: 'shop',
  name: 'web',
  replicas: { desired: 3 },
} as unknown as AnyModel;
const live = {
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas: 3, template: { metadata: {} } },
};

/** A real client whose HTTP answers as a cluster whose token may restart but not scale. */
function cluster403OnScale() {
  const sent: HttpRequest[] = [];
  const client = new K8sClient({
    routes: grafanaProxyRoutes('ds-1'),
    fetch: async (request) => {
      sent.push(request);
      const body = request.body ? JSON.parse(request.body) : undefined;
      if (request.url.includes('selfsubjectaccessreviews')) {
        const allowed = body.spec.resourceAttributes.subresource !== 'scale';
        return { status: 201, statusText: '', headers: {}, body: { status: { allowed } } };
      }
      if (request.method === 'GET') {
        return { status: 200, statusText: '', headers: {}, body: live };
      }
      return { status: 200, statusText: '', headers: {}, body: { ...live, spec: { ...live.spec, ...body.spec } } };
    },
  });
  (clientFor as jest.Mock).mockReturnValue(client);
  return sent;
}

describe('ActionsBar', () => {
  it('shows nothing to a Viewer and asks the cluster nothing', () => {
    (writeAccess as jest.Mock).mockReturnValue({ visible: false });
    const sent = cluster403OnScale();
    const { container } = render(<ActionsBar cluster={cluster} model={deployment} />);
    expect(container).toBeEmptyDOMElement();
    expect(sent).toEqual([]);
  });

  it('an Editor whom Grafana refuses the write permission: every action disabled with that reason, the cluster not asked', () => {
    const reason = 'Your Grafana user lacks the permission kubeatlas-kubernetes-datasource.resources:write';
    (writeAccess as jest.Mock).mockReturnValue({ visible: true, allowed: false, reason });
    const sent = cluster403OnScale();
    render(<ActionsBar cluster={cluster} model={deployment} />);
    expect(screen.getByTestId('action-reason-grafana')).toHaveTextContent(reason);
    for (const id of ['scale', 'restart']) {
      expect(screen.getByTestId(`action-${id}`)).toBeDisabled();
      expect(screen.getByTestId(`action-${id}`)).toHaveAttribute('title', reason);
      expect(screen.queryByTestId(`action-reason-${id}`)).toBeNull();
    }
    expect(sent).toEqual([]);
  });

  it('an Editor: a denied action is disabled with the missing rule; an allowed one previews its dry run, then applies', async () => {
    (writeAccess as jest.Mock).mockReturnValue({ visible: true, allowed: true });
    const sent = cluster403OnScale();
    render(<ActionsBar cluster={cluster} model={deployment} />);

    const reason = await screen.findByTestId('action-reason-scale');
    expect(reason).toHaveTextContent(
      'Scale is not allowed: The datasource\'s service account may not patch Deployment in namespace shop. Add this rule to its ClusterRole (deploy/kubernetes/): {apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}'
    );
    expect(screen.getByTestId('action-scale')).toBeDisabled();
    await waitFor(() => expect(screen.getByTestId('action-restart')).toBeEnabled());

    fireEvent.click(screen.getByTestId('action-restart'));
    const diff = await screen.findByTestId('dry-run-diff');
    expect(diff).toHaveTextContent('spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"](unset)→');
    const patches = () => sent.filter((r) => r.method === 'PATCH').map((r) => r.url);
    expect(patches()).toEqual([
      '/api/datasources/proxy/uid/ds-1/k8s-patch/apis/apps/v1/namespaces/shop/deployments/web?dryRun=All',
    ]);

    fireEvent.click(screen.getByTestId('action-apply'));
    expect(await screen.findByText(/Rollout restart: Deployment shop\/web: applied/)).toBeInTheDocument();
    expect(patches()[1]).toBe('/api/datasources/proxy/uid/ds-1/k8s-patch/apis/apps/v1/namespaces/shop/deployments/web');
    // The very request previewed: same body, same restart stamp.
    const [dry, real] = sent.filter((r) => r.method === 'PATCH');
    expect(real.body).toBe(dry.body);
  });
});

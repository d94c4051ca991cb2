import React from 'react';
import { ClusterPage } from './ClusterPage';

export default function TopologyPage() {
  return (
    <ClusterPage figureIds={[]} namespaceFilter>
      {() => <p data-testid="topology-pending">The topology map is being built.</p>}
    </ClusterPage>
  );
}

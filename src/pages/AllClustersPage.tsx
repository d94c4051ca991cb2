import React from 'react';

/** Every KubeAtlas cluster side by side (being built: issue 14 part 3). */
export default function AllClustersPage() {
  return <div data-testid="all-clusters" />;
}

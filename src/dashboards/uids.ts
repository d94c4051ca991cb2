/** Stable uids of the bundled dashboards: the app pages link to them with `var-` parameters. */
export const DASHBOARD_UIDS = {
  cluster: 'kubeatlas-cluster',
  nodes: 'kubeatlas-nodes',
  namespace: 'kubeatlas-namespace',
  workload: 'kubeatlas-workload',
  pod: 'kubeatlas-pod',
} as const;

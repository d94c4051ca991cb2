import React, { lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';
import { ROUTES } from '../constants';

const OverviewPage = lazy(() => import('../pages/OverviewPage'));
const ApplicationsPage = lazy(() => import('../pages/ApplicationsPage'));
const NodesPage = lazy(() => import('../pages/NodesPage'));
const AllClustersPage = lazy(() => import('../pages/AllClustersPage'));
const TopologyPage = lazy(() => import('../pages/TopologyPage'));

export default function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={`${ROUTES.Overview}/*`} element={<OverviewPage />} />
      <Route path={`${ROUTES.Applications}/*`} element={<ApplicationsPage />} />
      <Route path={`${ROUTES.Nodes}/*`} element={<NodesPage />} />
      <Route path={`${ROUTES.AllClusters}/*`} element={<AllClustersPage />} />
      <Route path={`${ROUTES.Topology}/*`} element={<TopologyPage />} />
      <Route path="*" element={<Navigate to={ROUTES.Overview} replace />} />
    </Routes>
  );
}

import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';

// Pages load on demand so the module Grafana preloads for every user stays small.
const Incidents = React.lazy(() => import('../../pages/Incidents'));
const Incident = React.lazy(() => import('../../pages/incident/IncidentPage'));
const Runbooks = React.lazy(() => import('../../pages/Runbooks'));

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Incidents} element={<Incidents />} />
      <Route path={ROUTES.Incident} element={<Incident />} />
      <Route path={`${ROUTES.Runbooks}/*`} element={<Runbooks />} />
      <Route path="*" element={<Navigate to={ROUTES.Incidents} replace />} />
    </Routes>
  );
}

export default App;

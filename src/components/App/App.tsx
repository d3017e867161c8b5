import React, { Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import { ROUTES } from '../../constants';

// Pages load on demand so the module Grafana loads for the app stays small. The router itself is in module.js
// (src/module.tsx imports this file eagerly): Grafana imports module.js and renders `plugin.root` at once
// (public/app/features/plugins/components/AppRootPage.tsx, importer/pluginImporter.ts), so the page's chunk is
// requested in the same step, not after a chunk holding only this router.
const Incidents = React.lazy(() => import('../../pages/Incidents'));
const Incident = React.lazy(() => import('../../pages/incident/IncidentPage'));
const Runbooks = React.lazy(() => import('../../pages/Runbooks'));

function App(_props: AppRootProps) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <Routes>
        <Route path={ROUTES.Incidents} element={<Incidents />} />
        <Route path={ROUTES.Incident} element={<Incident />} />
        <Route path={`${ROUTES.Runbooks}/*`} element={<Runbooks />} />
        <Route path="*" element={<Navigate to={ROUTES.Incidents} replace />} />
      </Routes>
    </Suspense>
  );
}

export default App;

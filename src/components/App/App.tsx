import React, { type ComponentType, Suspense, useEffect, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { LoadingPlaceholder } from '@grafana/ui';
import { ROUTES } from '../../constants';

// Pages load on demand so the module Grafana loads for the app stays small. The router itself is in module.js
// (src/module.tsx imports this file eagerly): Grafana imports module.js and renders `plugin.root` at once
// (public/app/features/plugins/components/AppRootPage.tsx, importer/pluginImporter.ts), so the page's chunk is
// requested in the same step, not after a chunk holding only this router.
const Incident = React.lazy(() => import('../../pages/incident/IncidentPage'));
const Runbooks = React.lazy(() => import('../../pages/Runbooks'));

let incidentsLoad: Promise<ComponentType> | undefined;
let incidentsPage: ComponentType | undefined;

/** The Incidents page's code and, on the first visit, its first page of incidents (readIncidentsAhead). */
function loadIncidents(): Promise<ComponentType> {
  incidentsLoad ??= import('../../pages/Incidents').then(async (page) => {
    await page.readIncidentsAhead(locationService.getSearch());
    incidentsPage = page.default;
    return page.default;
  });
  return incidentsLoad;
}

/**
 * The Incidents page, loaded on demand like the others, with two differences. Its list's first request leaves with
 * its code, not after its first render and that render's effects. And it is drawn in one ordinary render once code
 * and first page are in: React.lazy would draw it as a Suspense retry, which React renders in time slices, and the
 * first draw of the filters and 50 rows took a third longer that way (docs/benchmarks.md). A failed load throws to
 * the error boundary, as React.lazy's does.
 */
function Incidents() {
  // Asked for in render, as React.lazy asks for its module: the request should not wait for this commit.
  const load = loadIncidents();
  const [loaded, setLoaded] = useState<{ Page?: ComponentType; error?: unknown }>(() => ({ Page: incidentsPage }));
  const shown = Boolean(loaded.Page);
  useEffect(() => {
    if (shown) {
      return;
    }
    let current = true;
    load.then(
      (Page) => current && setLoaded({ Page }),
      (error: unknown) => current && setLoaded({ error })
    );
    return () => {
      current = false;
    };
  }, [load, shown]);
  if (loaded.error) {
    throw loaded.error;
  }
  return loaded.Page ? <loaded.Page /> : <LoadingPlaceholder text="" />;
}

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

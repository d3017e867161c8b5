/**
 * Which Grafana data source types speak PromQL through Prometheus' own Grafana backend (grafana/grafana
 * pkg/promlib), and so answer `/api/ds/query` with the frames GrafanaMetricsSource reads. Mimir, Thanos, Cortex
 * and VictoriaMetrics are used through the `prometheus` type. Kept apart so the panel's options stay small.
 */
import { type DataSourceInstanceSettings } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';

export const PROMQL_DATASOURCE_TYPES: readonly string[] = [
  'prometheus',
  'grafana-amazonprometheus-datasource',
  'grafana-azureprometheus-datasource',
];

export function speaksPromQL(type: string | undefined): boolean {
  return type !== undefined && PROMQL_DATASOURCE_TYPES.includes(type);
}

/**
 * The data source to query for a reference (a uid, a name or a dashboard variable such as `${datasource}`), with
 * its real uid and name. For a variable, Grafana's DatasourceSrv.getInstanceSettings returns the settings with
 * `uid` and `name` left as `${datasource}` and the real data source only in `rawRef`
 * (public/app/features/plugins/datasource_srv.ts), so a query built from `uid` would name no data source.
 *
 * Without a reference, or for a variable the dashboard does not define: Grafana's default when it speaks PromQL,
 * else the first data source that does. With none marked default, Grafana's default is `-- Grafana --`
 * (pkg/api/frontendsettings.go), which `aisre provision` leaves in place. A uid that no longer exists gives
 * undefined, so the caller can say so.
 */
export function resolveDataSource(reference?: string): DataSourceInstanceSettings | undefined {
  const srv = getDataSourceSrv();
  if (reference) {
    const settings = srv.getInstanceSettings(reference);
    if (settings?.rawRef) {
      return srv.getInstanceSettings(settings.rawRef) ?? { ...settings, uid: settings.rawRef.uid ?? settings.uid };
    }
    if (settings || !reference.startsWith('$')) {
      return settings;
    }
  }
  const fallback = srv.getInstanceSettings(null);
  if (fallback && speaksPromQL(fallback.type)) {
    return fallback;
  }
  return srv.getList({ filter: (ds) => speaksPromQL(ds.type) })[0] ?? fallback;
}

/**
 * Which Grafana data source types speak PromQL through Prometheus' own Grafana backend (grafana/grafana
 * pkg/promlib), and so answer `/api/ds/query` with the frames GrafanaMetricsSource reads. Mimir, Thanos, Cortex
 * and VictoriaMetrics are used through the `prometheus` type. Kept apart so the panel's options stay small.
 */
export const PROMQL_DATASOURCE_TYPES: readonly string[] = [
  'prometheus',
  'grafana-amazonprometheus-datasource',
  'grafana-azureprometheus-datasource',
];

export function speaksPromQL(type: string | undefined): boolean {
  return type !== undefined && PROMQL_DATASOURCE_TYPES.includes(type);
}

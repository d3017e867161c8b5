/** A dashboard's variables as Grafana sets them when the dashboard loads, for the host's TemplateSrv. */
import { DEFAULT_DATA_SOURCES, type HostVariable } from './protocol';

interface TemplateVariable {
  name: string;
  type: string;
  current?: { value?: string | string[]; text?: string | string[] };
  allValue?: string | null;
}

/**
 * The dashboard's variables at their saved selection: a data source variable with no current value takes the first
 * data source of its type (the harness's Prometheus; none is default), All keeps the custom all value (the
 * dashboards' `.*`), the others their saved value.
 */
export function dashboardVariables(json: { templating?: unknown }): HostVariable[] {
  const list = (json.templating as { list?: TemplateVariable[] } | undefined)?.list ?? [];
  return list.map((variable): HostVariable => {
    if (variable.type === 'datasource') {
      return { name: variable.name, type: 'datasource', value: DEFAULT_DATA_SOURCES[0].uid };
    }
    const value = variable.current?.value ?? '';
    const all = (Array.isArray(value) ? value : [value]).includes('$__all');
    return {
      name: variable.name,
      type: variable.type === 'custom' ? 'custom' : 'query',
      value: all ? '$__all' : value,
      ...(all && variable.allValue ? { allValue: variable.allValue } : {}),
    };
  });
}
